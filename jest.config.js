// Projects so `npm test` can run them in order and a developer can run one alone.
const base = {
  preset: "ts-jest",
  testEnvironment: "node",
  // The appliance build tree (a chroot with /proc mounted) must never be crawled.
  modulePathIgnorePatterns: ["<rootDir>/gateway/image/out/", "<rootDir>/dist/", "<rootDir>/.tools/"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/gateway/image/out/", "<rootDir>/dist/"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
};
module.exports = {
  projects: [
    { ...base, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
    { ...base, displayName: "integration", testMatch: ["<rootDir>/test/integration/**/*.test.ts"] },
    { ...base, displayName: "datapath", testMatch: ["<rootDir>/test/datapath/**/*.test.ts"] },
    { ...base, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] },
    // The packed tarball in a user's project outside the repository (npm pack + npm install).
    { ...base, displayName: "package", testMatch: ["<rootDir>/test/package/**/*.test.ts"] },
  ],
};
