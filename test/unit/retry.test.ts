import { ApiError } from "../../provider/common/errors";
import { withRetry } from "../../provider/common/retry";

const fast = { initialDelayMs: 1, maxDelayMs: 5 };

describe("retry policy", () => {
  it.each(["BUSY_ENTITY", "CONFLICT", "SERVER_ERROR", "TIMEOUT", "CONNECTION_RESET"] as const)(
    "retries %s until the call succeeds",
    async (code) => {
      let calls = 0;
      const result = await withRetry(async () => {
        calls += 1;
        if (calls < 3) throw new ApiError(code, "transient");
        return "done";
      }, fast);
      expect(result).toBe("done");
      expect(calls).toBe(3);
    },
  );

  it.each(["BAD_REQUEST", "UNAUTHORIZED", "NOT_FOUND", "DUPLICATE_NAME"] as const)(
    "does not retry %s",
    async (code) => {
      let calls = 0;
      await expect(
        withRetry(async () => {
          calls += 1;
          throw new ApiError(code, "permanent");
        }, fast),
      ).rejects.toMatchObject({ code });
      expect(calls).toBe(1);
    },
  );

  it("gives up at the deadline with the last error", async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw new ApiError("BUSY_ENTITY", "edge busy");
        },
        { ...fast, deadlineMs: 100 },
      ),
    ).rejects.toMatchObject({ code: "BUSY_ENTITY" });
    expect(calls).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("reports each retry with its attempt number", async () => {
    const attempts: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls < 3) throw new ApiError("SERVER_ERROR", "503");
        return 1;
      },
      { ...fast, onRetry: (a) => attempts.push(a) },
    );
    expect(attempts).toEqual([1, 2]);
  });
});
