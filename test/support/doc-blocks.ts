// TypeScript blocks of the user documentation, found with a real Markdown parser (Prettier's
// remark-based one, already a dev dependency) so fences inside lists, `~~~` fences and HTML
// comments are read the way a renderer reads them.
//
// Convention (README "Docs that compile"): every ```ts / ```typescript block, together with an
// optional hidden prelude, is one complete ES module that a user could put in their program.
// The prelude is an HTML comment directly above the block (only blank lines in between):
//
//   <!-- ts-prelude
//   import { SubinterfaceOrgNetwork } from "l2stretch";
//   const app = new SubinterfaceOrgNetwork("app", { … });
//   -->
//
// It holds only what earlier sections already showed (the network a trunk refers to, …), so
// each block can stay short without declaring anything as `any`.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as markdown from "prettier/plugins/markdown";
import type { ParserOptions } from "prettier";

export const PRELUDE_OPEN = "<!-- ts-prelude";
const PRELUDE_CLOSE = "-->";
const TS_LANGS = new Set(["ts", "typescript"]);

/** One block ready to compile: its text and, per line, where that line is in the Markdown file. */
export interface DocBlock {
  /** Markdown file, relative to the repository root (what messages print). */
  file: string;
  /** Line of the opening fence in the Markdown file (1-based). */
  fenceLine: number;
  /** Prelude lines followed by the block's lines. */
  source: string;
  /** `mdLines[i]` is the Markdown line (1-based) of `source` line i (0-based). */
  mdLines: number[];
}

interface MdNode {
  type: string;
  lang?: string | null;
  value?: string;
  position: { start: { line: number } };
  children?: MdNode[];
}

async function parseMarkdown(text: string): Promise<MdNode> {
  // The plugin's parser is the one `prettier --write` uses on README.md; it needs no options
  // for parsing (they only steer printing), hence the empty options object.
  return (await markdown.parsers.markdown.parse(text, {} as ParserOptions)) as MdNode;
}

/** The prelude's code lines; throws on a comment that opens a prelude but is malformed. */
function preludeOf(node: MdNode | undefined): { lines: string[]; firstLine: number } | undefined {
  if (node?.type !== "html" || !node.value?.startsWith(PRELUDE_OPEN)) return undefined;
  const lines = node.value.split("\n");
  const [open, close] = [lines[0]!, lines[lines.length - 1]!];
  if (open.trim() !== PRELUDE_OPEN || close.trim() !== PRELUDE_CLOSE || lines.length < 3) {
    throw new Error(
      `line ${node.position.start.line}: a prelude is "${PRELUDE_OPEN}" on its own line, code lines, then "${PRELUDE_CLOSE}" on its own line`,
    );
  }
  return { lines: lines.slice(1, -1), firstLine: node.position.start.line + 1 };
}

/** Every TypeScript block of one Markdown text, each with its prelude. */
export async function tsBlocks(file: string, text: string): Promise<DocBlock[]> {
  const blocks: DocBlock[] = [];
  const visit = (siblings: MdNode[]): void => {
    siblings.forEach((node, i) => {
      if (node.type === "code" && TS_LANGS.has(node.lang ?? "")) {
        const prelude = preludeOf(siblings[i - 1]);
        const body = (node.value ?? "").split("\n");
        const fenceLine = node.position.start.line;
        blocks.push({
          file,
          fenceLine,
          source: [...(prelude?.lines ?? []), ...body].join("\n"),
          mdLines: [
            ...(prelude?.lines ?? []).map((_, k) => prelude!.firstLine + k),
            ...body.map((_, k) => fenceLine + 1 + k),
          ],
        });
      }
      if (node.children) visit(node.children);
    });
  };
  visit([await parseMarkdown(text)]);
  return blocks;
}

/** Directories never searched: dependencies, build output and the appliance's chroot. */
const SKIP_DIRS = new Set(["node_modules", "dist", "out", ".tools", ".state"]);

function markdownFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : markdownFilesUnder(path);
    return e.name.endsWith(".md") ? [path] : [];
  });
}

/** The Markdown a user reads: README.md and every *.md under examples/ and gateway/. */
export function userDocs(root: string): string[] {
  return [
    join(root, "README.md"),
    ...markdownFilesUnder(join(root, "examples")),
    ...markdownFilesUnder(join(root, "gateway")),
  ].map((p) => relative(root, p));
}

export async function docBlocks(root: string, files: string[]): Promise<DocBlock[]> {
  const all = await Promise.all(files.map((f) => tsBlocks(f, readFileSync(join(root, f), "utf8"))));
  return all.flat();
}
