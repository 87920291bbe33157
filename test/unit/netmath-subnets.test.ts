import { Address4 } from "ip-address";
import { cidrsOverlap, inSubnet, parseCidr } from "../../contract/netmath";

/** Subnet membership by 32-bit masks agrees with ip-address on every prefix length. */
describe("netmath subnets", () => {
  // A fixed sequence (LCG), so a failure names the same addresses on every run.
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const randomIp = () => [next() % 256, next() % 256, next() % 256, next() % 256].join(".");

  it("matches ip-address's isInSubnet for addresses inside, near and outside each subnet", () => {
    for (let prefix = 1; prefix <= 32; prefix++) {
      for (let i = 0; i < 40; i++) {
        const cidr = parseCidr(`${randomIp()}/${prefix}`)!;
        const candidates = [cidr.networkAddress, cidr.broadcastAddress, randomIp(), cidr.address];
        for (const ip of candidates) {
          const expected = new Address4(ip).isInSubnet(new Address4(`${cidr.networkAddress}/${prefix}`));
          expect([ip, cidr.networkAddress, prefix, inSubnet(ip, cidr)]).toEqual([
            ip,
            cidr.networkAddress,
            prefix,
            expected,
          ]);
        }
      }
    }
  });

  it("refuses what is not a dotted quad, and hands out the same frozen parse for the same text", () => {
    const cidr = parseCidr("10.1.2.3/24")!;
    expect(inSubnet("10.1.2.010", cidr)).toBe(false);
    expect(inSubnet("10.1.2", cidr)).toBe(false);
    expect(parseCidr("10.1.2.3/24")).toBe(cidr);
    expect(Object.isFrozen(cidr)).toBe(true);
    expect(cidrsOverlap(cidr, parseCidr("10.1.0.0/16")!)).toBe(true);
    expect(cidrsOverlap(cidr, parseCidr("10.1.3.0/24")!)).toBe(false);
  });
});
