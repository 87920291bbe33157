// Element order of OrgVdcNetworkType (and its base types) as in vCD's XSD, limited to what a
// routed network body contains. Elements we do not interpret are accepted with "any" content.
import { many, opt, req, type Particle } from "./schema";

const ipRange: Particle[] = [req("StartAddress"), req("EndAddress")];

const ipScope: Particle[] = [
  req("IsInherited"),
  req("Gateway"),
  req("Netmask"),
  opt("SubnetPrefixLength"),
  opt("Dns1"),
  opt("Dns2"),
  opt("DnsSuffix"),
  opt("IsEnabled"),
  opt("IpRanges", [many("IpRange", 1, ipRange)]),
  opt("AllocatedIpAddresses", "any"),
  opt("SubAllocations", "any"),
];

export const NETWORK_CONFIGURATION: Particle[] = [
  opt("BackwardCompatibilityMode"),
  req("IpScopes", [many("IpScope", 1, ipScope)]),
  opt("ParentNetwork", "any"),
  req("FenceMode"),
  opt("RetainNetInfoAcrossDeployments"),
  opt("Features", "any"),
  opt("SyslogServerSettings", "any"),
  opt("RouterInfo", "any"),
  opt("SubInterface"),
  opt("DistributedInterface"),
  opt("GuestVlanAllowed"),
];

export const ORG_VDC_NETWORK: Particle[] = [
  many("VCloudExtension", 0, "any"),
  many("Link", 0, "any"),
  opt("Description"),
  opt("Tasks", "any"),
  req("Configuration", NETWORK_CONFIGURATION),
  opt("EdgeGateway", "any"),
  opt("ServiceConfig", "any"),
  opt("IsShared"),
];
