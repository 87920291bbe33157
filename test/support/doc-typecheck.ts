// Type-checks documentation blocks (see doc-blocks.ts) with the TypeScript compiler API, as a
// user's program would be checked: the repository's strict compiler options, `l2stretch`
// resolving to the public entry points (tsconfig `paths` → sdk/index.ts, sdk/vsphere/index.ts), and nothing but the
// package, @pulumi/pulumi and Node built-ins to import.
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import * as ts from "typescript";
import type { DocBlock } from "./doc-blocks";

export interface DocProblem {
  file: string;
  line: number;
  message: string;
}

/** A function in a block that builds a gateway document (declared to return GatewayConfigInput). */
export interface DocGatewayDocument {
  file: string;
  line: number;
  params: string[];
  /** The function itself, compiled and evaluated without access to anything else. */
  build: (...args: string[]) => unknown;
}

export interface DocCheck {
  problems: DocProblem[];
  gatewayDocuments: DocGatewayDocument[];
}

const ALLOWED_IMPORTS = new Set(["l2stretch", "l2stretch/vsphere", "@pulumi/pulumi"]);
const SUPPRESSION = /@ts-(ignore|expect-error|nocheck)\b/;

function compilerOptions(root: string): ts.CompilerOptions {
  const path = join(root, "tsconfig.json");
  const read = ts.readConfigFile(path, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, path);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    // A snippet may well define a resource that the reader's own code would use later.
    noUnusedLocals: false,
    noUnusedParameters: false,
    // Each block is a module of its own, also when it neither imports nor exports.
    moduleDetection: ts.ModuleDetectionKind.Force,
    // A user's program has Node's types, not the test runner's globals.
    types: ["node"],
  };
}

/** The file name a block compiles under: inside the repository, so node_modules resolve. */
function virtualName(root: string, b: DocBlock): string {
  return join(root, ".doc-blocks", `${b.file.replace(/[\\/]/g, "__")}.L${b.fenceLine}.ts`);
}

function hostWith(options: ts.CompilerOptions, files: Map<string, string>): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, shouldCreate) => {
    const text = files.get(name);
    return text === undefined
      ? getSourceFile(name, language, onError, shouldCreate)
      : ts.createSourceFile(name, text, language, true);
  };
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name);
  host.readFile = (name) => files.get(name) ?? ts.sys.readFile(name);
  return host;
}

function importProblems(sf: ts.SourceFile, at: (pos: number) => DocProblem): DocProblem[] {
  const problems: DocProblem[] = [];
  const specifier = (node: ts.Node): ts.Expression | undefined => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return node.moduleSpecifier;
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      return node.moduleReference.expression;
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      return node.arguments[0];
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "require")
      return node.arguments[0];
    return undefined;
  };
  const visit = (node: ts.Node): void => {
    const spec = specifier(node);
    if (spec && ts.isStringLiteral(spec) && !ALLOWED_IMPORTS.has(spec.text) && !spec.text.startsWith("node:"))
      problems.push({
        ...at(spec.getStart(sf)),
        message: `imports "${spec.text}": a user's program can import only "l2stretch", "l2stretch/vsphere", "@pulumi/pulumi" and node: modules`,
      });
    if (node.kind === ts.SyntaxKind.AnyKeyword)
      problems.push({ ...at(node.getStart(sf)), message: "`any` would let a wrong snippet compile" });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const suppression = SUPPRESSION.exec(sf.text);
  if (suppression)
    problems.push({ ...at(suppression.index), message: `${suppression[0]} would hide compiler errors` });
  return problems;
}

/** Compiles a function's own text to JavaScript and evaluates it in an empty context. */
function isolatedFunction(source: string): (...args: string[]) => unknown {
  const js = ts.transpileModule(`(${source})`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
  }).outputText;
  return runInNewContext(js) as (...args: string[]) => unknown;
}

function gatewayDocuments(sf: ts.SourceFile, at: (pos: number) => DocProblem): DocGatewayDocument[] {
  const found: DocGatewayDocument[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) &&
      node.type?.getText(sf) === "GatewayConfigInput"
    ) {
      const { file, line } = at(node.getStart(sf));
      found.push({
        file,
        line,
        params: node.parameters.map((p) => p.name.getText(sf)),
        build: isolatedFunction(node.getText(sf)),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const message = (d: ts.Diagnostic): string =>
  `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;

/** Type-checks all blocks in one program; problems carry the Markdown file and line. */
export function checkDocBlocks(root: string, blocks: DocBlock[]): DocCheck {
  const options = compilerOptions(root);
  const byName = new Map(blocks.map((b) => [virtualName(root, b), b]));
  const files = new Map([...byName].map(([name, b]) => [name, b.source]));
  const program = ts.createProgram([...files.keys()], options, hostWith(options, files));

  const problems: DocProblem[] = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map(
    (d) => ({ file: "(compiler options)", line: 0, message: message(d) }),
  );
  const gateway: DocGatewayDocument[] = [];
  for (const [name, block] of byName) {
    const sf = program.getSourceFile(name)!;
    const at = (pos: number): DocProblem => ({
      file: block.file,
      line: block.mdLines[sf.getLineAndCharacterOfPosition(pos).line] ?? block.fenceLine,
      message: "",
    });
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    problems.push(
      ...diagnostics.map((d) => ({ ...at(d.start ?? 0), message: message(d) })),
      ...importProblems(sf, at),
    );
    if (diagnostics.length === 0) gateway.push(...gatewayDocuments(sf, at));
  }
  // In file and line order, whichever compiler phase found them: the order a reader fixes them in.
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { problems, gatewayDocuments: gateway };
}

export const formatProblem = (p: DocProblem): string => `${p.file}:${p.line}: ${p.message}`;
