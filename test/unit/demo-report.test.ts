import { XMLValidator } from "fast-xml-parser";
import { statusTable, topologySvg, type ReportStretch } from "../../scripts/demoReport";

const stretches: ReportStretch[] = [
  {
    name: "blue",
    transport: "NSX-v L2VPN",
    siteA: "vCD edge-cloud-1",
    siteB: "NSX-v edge-onprem-1",
    networks: [
      { name: "web", cidr: "10.10.0.0/24", id: "tunnel 1", innerMtu: 1500, state: "up" },
      { name: "app", cidr: "10.20.0.0/24", id: "tunnel 2", innerMtu: 1500, state: "down" },
    ],
  },
  {
    name: "pair <&>",
    transport: "VXLAN over IPsec",
    siteA: "gateway A",
    siteB: "gateway B",
    networks: [{ name: "blue", cidr: "192.168.10.0/24", id: "VNI 4711", innerMtu: 1350, state: "up" }],
  },
];

describe("demo report", () => {
  it("prints one aligned row per stretched network with its sites, ID, MTU and tunnel state", () => {
    const lines = statusTable(stretches).split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^stretch\s+network\s+subnet\s+site A\s+site B\s+ID\s+inner MTU\s+tunnel$/);
    expect(lines[3]!.split(/\s{2,}/)).toEqual([
      "blue",
      "app",
      "10.20.0.0/24",
      "vCD edge-cloud-1",
      "NSX-v edge-onprem-1",
      "tunnel 2",
      "1500",
      "down",
    ]);
    // Columns line up: every row starts its subnet where the header's does.
    const col = lines[0]!.indexOf("subnet");
    expect(lines.slice(2).every((l) => /\S/.test(l[col]!) && l[col - 1] === " ")).toBe(true);
  });

  it("draws a well-formed SVG with both sites and a line per network, escaping names", () => {
    const svg = topologySvg(stretches);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.match(/<line /g)).toHaveLength(3);
    expect(svg).toContain("vCD edge-cloud-1");
    expect(svg).toContain("pair &lt;&amp;&gt;");
    expect(svg).toContain("web 10.10.0.0/24 · tunnel 1 · MTU 1500 · up");
    // A tunnel that is not up is drawn dashed.
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(1);
  });
});
