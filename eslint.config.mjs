import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      ".tools/**",
      "jest.config.js",
      ".state/**",
      "gateway/image/out/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["sdk/**/*.ts", "examples/**/*.ts"],
    // The Pulumi rules need type information to know what is an Output.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
    },
  },
  // Module boundaries (DESIGN §7): the contract is shared by SDK, provider and agent, so it
  // stays Node-free and depends on none of them; vendor clients know nothing of Pulumi; the
  // simulator never imports the clients it checks.
  {
    files: ["contract/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["node:*", "**/provider/**", "**/sdk/**", "**/gateway/**", "@pulumi/*"] },
      ],
    },
  },
  {
    files: ["provider/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["**/sdk/**", "@pulumi/*"] }] },
  },
  {
    files: ["sim/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["**/provider/**", "**/sdk/**"] }] },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
);
