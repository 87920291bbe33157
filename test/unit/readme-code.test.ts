// Docs that compile: every ```ts block a user reads (README.md, *.md under examples/ and
// gateway/), with its hidden `<!-- ts-prelude … -->` if it has one, is type-checked against the
// public API; gateway documents shown there must also pass the agent's schema. The convention is
// described in test/support/doc-blocks.ts and in the README's Development section.
import { join } from "node:path";
import { GatewayConfigSchema } from "../../sdk";
import { docBlocks, tsBlocks, userDocs, type DocBlock } from "../support/doc-blocks";
import { checkDocBlocks, formatProblem, type DocCheck } from "../support/doc-typecheck";

const root = join(__dirname, "..", "..");
/** Stands in for the secrets a document builder receives (≥ 32 characters, like a real PSK). */
const PLACEHOLDER_SECRET = "placeholder-secret-for-the-schema-check";

describe("documentation code blocks", () => {
  let blocks: DocBlock[];
  let check: DocCheck;
  beforeAll(async () => {
    blocks = await docBlocks(root, userDocs(root));
    check = checkDocBlocks(root, blocks);
  }, 120_000);

  it("finds the README's blocks", () => {
    // Guards against a parser change that silently finds nothing to check.
    expect(blocks.filter((b) => b.file === "README.md").length).toBeGreaterThanOrEqual(4);
  });

  it("every TypeScript block compiles against the public API", () => {
    expect(check.problems.map(formatProblem)).toEqual([]);
  });

  it("every gateway document shown passes GatewayConfigSchema", () => {
    expect(check.gatewayDocuments.length).toBeGreaterThanOrEqual(1);
    for (const doc of check.gatewayDocuments) {
      const parsed = GatewayConfigSchema.safeParse(doc.build(...doc.params.map(() => PLACEHOLDER_SECRET)));
      const issues = parsed.success
        ? []
        : parsed.error.issues.map((i) => `${doc.file}:${doc.line}: ${i.path.join(".")}: ${i.message}`);
      expect(issues).toEqual([]);
    }
  });
});

describe("documentation checker", () => {
  // A Markdown file with known mistakes: the checker must name each one by file and line.
  const md = [
    "# sample", // 1
    "", // 2
    "<!-- ts-prelude", // 3
    'import { SubinterfaceOrgNetwork } from "l2stretch";', // 4
    'const vlan: number = "120";', // 5
    "-->", // 6
    "", // 7
    "```ts", // 8
    'new SubinterfaceOrgNetwork("app", { vdc: "v", edgeGateway: "e", gatewayCidr: 24 });', // 9
    "```", // 10
    "", // 11
    "- in a list:", // 12
    "", // 13
    "  ```typescript", // 14
    '  import { parseInputs } from "../provider/common/check";', // 15
    "  const loose: any = parseInputs;", // 16
    "  ```", // 17
    "", // 18
    "```sh", // 19
    "this is not TypeScript", // 20
    "```", // 21
  ].join("\n");

  it("reports the Markdown line and the compiler's message, also for preludes and nested blocks", async () => {
    const sample = await tsBlocks("sample.md", md);
    expect(sample.map((b) => b.fenceLine)).toEqual([8, 14]);
    const problems = checkDocBlocks(root, sample).problems.map(formatProblem);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sample\.md:5: TS2322: Type 'string' is not assignable to type 'number'/),
        expect.stringMatching(
          /^sample\.md:9: TS2322: Type 'number' is not assignable to type 'Input<string>/,
        ),
        expect.stringMatching(/^sample\.md:15: imports "\.\.\/provider\/common\/check": a user's program/),
        expect.stringMatching(/^sample\.md:16: `any` would let a wrong snippet compile/),
      ]),
    );
  }, 120_000);

  it("rejects a malformed prelude instead of ignoring it", async () => {
    await expect(tsBlocks("bad.md", "<!-- ts-prelude const x = 1; -->\n\n```ts\nx;\n```\n")).rejects.toThrow(
      /line 1: a prelude is/,
    );
  });
});
