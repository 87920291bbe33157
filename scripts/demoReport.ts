/**
 * What the demo shows a person about the stretches it made: a status table for the terminal
 * and a topology picture (SVG). Pure functions of the stacks' outputs, so both are tested
 * without running the demo.
 */

export interface ReportNetwork {
  name: string;
  cidr: string;
  /** "tunnel 3" or "VNI 4711". */
  id: string;
  innerMtu: number;
  /** Tunnel state as read live: "up", "down" or "unknown". */
  state: string;
}

export interface ReportStretch {
  name: string;
  /** "NSX-v L2VPN" or "VXLAN over IPsec". */
  transport: string;
  siteA: string;
  siteB: string;
  networks: ReportNetwork[];
}

const HEAD = ["stretch", "network", "subnet", "site A", "site B", "ID", "inner MTU", "tunnel"];

/** A fixed-width table, one row per stretched network. */
export function statusTable(stretches: readonly ReportStretch[]): string {
  const rows = stretches.flatMap((s) =>
    s.networks.map((n) => [s.name, n.name, n.cidr, s.siteA, s.siteB, n.id, String(n.innerMtu), n.state]),
  );
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(HEAD), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const STATE_COLOUR: Record<string, string> = { up: "#2e7d32", down: "#c62828" };

/** Site A on the left, site B on the right, one line per network between them. */
export function topologySvg(stretches: readonly ReportStretch[]): string {
  const width = 960;
  const boxW = 220;
  const lineGap = 34;
  const parts: string[] = [];
  let y = 20;
  for (const s of stretches) {
    const blockH = Math.max(1, s.networks.length) * lineGap + 40;
    parts.push(
      `<text x="${width / 2}" y="${y + 14}" text-anchor="middle" font-weight="bold">${esc(s.name)} · ${esc(s.transport)}</text>`,
    );
    const top = y + 24;
    for (const [x, label] of [
      [20, s.siteA],
      [width - 20 - boxW, s.siteB],
    ] as const) {
      parts.push(
        `<rect x="${x}" y="${top}" width="${boxW}" height="${blockH - 24}" rx="8" fill="#eef3fb" stroke="#35598f"/>`,
        `<text x="${x + boxW / 2}" y="${top + 18}" text-anchor="middle">${esc(label)}</text>`,
      );
    }
    s.networks.forEach((n, i) => {
      const ly = top + 34 + i * lineGap;
      const colour = STATE_COLOUR[n.state] ?? "#757575";
      parts.push(
        `<line x1="${20 + boxW}" y1="${ly}" x2="${width - 20 - boxW}" y2="${ly}" stroke="${colour}" stroke-width="3"${n.state === "up" ? "" : ' stroke-dasharray="6 4"'}/>`,
        `<text x="${width / 2}" y="${ly - 6}" text-anchor="middle" font-size="12">${esc(
          `${n.name} ${n.cidr} · ${n.id} · MTU ${n.innerMtu} · ${n.state}`,
        )}</text>`,
      );
    });
    y = top + blockH + 10;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" viewBox="0 0 ${width} ${y + 10}" font-family="sans-serif" font-size="14">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}
