/**
 * OVF descriptor and manifest of the gateway appliance.
 *
 *   node dist/gateway/image/appliance.ovf.js --out DIR --version V --vmdk FILE --capacity BYTES
 *
 * writes `<DIR>/l2stretch-gateway-<V>.ovf` and `.mf` for a VMDK that is already in DIR. The
 * descriptor is rendered from code (not a template file) so the unit tests can check what
 * vSphere will read: well-formed XML, every vApp property, and ids that reference each other.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { APPLIANCE_HARDWARE, OVF_NETWORKS, VAPP_PROPERTIES, VappProperty } from "../../contract/appliance";

export { OVF_NETWORKS, type OvfNetwork } from "../../contract/appliance";

export interface OvfInput {
  version: string;
  vmdkHref: string;
  /** Size of the VMDK file in bytes. */
  vmdkSize: number;
  /** Capacity of the virtual disk in bytes. */
  diskCapacity: number;
  cpus?: number;
  memoryMiB?: number;
}

export interface ApplianceFiles {
  ovf: string;
  mf: string;
  vmdk: string;
  ova: string;
}

export function applianceFiles(version: string): ApplianceFiles {
  const base = `l2stretch-gateway-${version}`;
  return { ovf: `${base}.ovf`, mf: `${base}.mf`, vmdk: `${base}-disk1.vmdk`, ova: `${base}.ova` };
}

export const FILE_ID = "file1";
export const DISK_ID = "vmdisk1";
const STREAM_OPTIMIZED = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized";

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function renderProperty(p: VappProperty, indent: string): string {
  const attrs = [
    `ovf:key="${xmlEscape(p.key)}"`,
    `ovf:type="${p.type}"`,
    ...(p.qualifiers ? [`ovf:qualifiers="${xmlEscape(p.qualifiers)}"`] : []),
    `ovf:userConfigurable="true"`,
    `ovf:value="${xmlEscape(p.defaultValue)}"`,
    ...(p.password ? [`ovf:password="true"`] : []),
  ];
  return [
    `${indent}<Property ${attrs.join(" ")}>`,
    `${indent}  <Label>${xmlEscape(p.label)}</Label>`,
    `${indent}  <Description>${xmlEscape(p.description)}</Description>`,
    `${indent}</Property>`,
  ].join("\n");
}

/** Properties grouped by category, in first-seen order, as the deploy wizard shows them. */
function renderProperties(indent: string): string {
  const out: string[] = [];
  let category: string | undefined;
  for (const p of VAPP_PROPERTIES) {
    if (p.category !== category) {
      category = p.category;
      out.push(`${indent}<Category>${xmlEscape(category)}</Category>`);
    }
    out.push(renderProperty(p, indent));
  }
  return out.join("\n");
}

interface Item {
  id: number;
  type: number;
  name: string;
  description?: string;
  extra: string[];
}

function renderItem(it: Item): string {
  // rasd elements must be in alphabetical order (the CIM schema is a sequence).
  const fields: [string, string][] = [];
  for (const e of it.extra) {
    const m = /^<rasd:(\w+)>/.exec(e);
    if (m?.[1]) fields.push([m[1], e]);
  }
  if (it.description)
    fields.push(["Description", `<rasd:Description>${xmlEscape(it.description)}</rasd:Description>`]);
  fields.push(["ElementName", `<rasd:ElementName>${xmlEscape(it.name)}</rasd:ElementName>`]);
  fields.push(["InstanceID", `<rasd:InstanceID>${it.id}</rasd:InstanceID>`]);
  fields.push(["ResourceType", `<rasd:ResourceType>${it.type}</rasd:ResourceType>`]);
  fields.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return ["      <Item>", ...fields.map(([, f]) => `        ${f}`), "      </Item>"].join("\n");
}

/** CIM ResourceType values used below (DSP1041). */
const RT = { cpu: 3, memory: 4, ide: 5, scsi: 6, ethernet: 10, cdrom: 15, disk: 17 } as const;

export function renderOvf(input: OvfInput): string {
  const cpus = input.cpus ?? APPLIANCE_HARDWARE.cpus;
  const memoryMiB = input.memoryMiB ?? APPLIANCE_HARDWARE.memoryMiB;
  const scsiId = 3;
  const ideId = 4;
  const items: Item[] = [
    {
      id: 1,
      type: RT.cpu,
      name: `${cpus} virtual CPU(s)`,
      description: "Number of virtual CPUs",
      extra: [
        "<rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>",
        `<rasd:VirtualQuantity>${cpus}</rasd:VirtualQuantity>`,
      ],
    },
    {
      id: 2,
      type: RT.memory,
      name: `${memoryMiB} MB of memory`,
      description: "Memory size",
      extra: [
        "<rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>",
        `<rasd:VirtualQuantity>${memoryMiB}</rasd:VirtualQuantity>`,
      ],
    },
    {
      id: scsiId,
      type: RT.scsi,
      name: "SCSI controller 0",
      description: "SCSI controller",
      extra: [
        "<rasd:Address>0</rasd:Address>",
        `<rasd:ResourceSubType>${APPLIANCE_HARDWARE.scsiType}</rasd:ResourceSubType>`,
      ],
    },
    {
      id: ideId,
      type: RT.ide,
      name: "IDE controller 0",
      description: "IDE controller",
      extra: ["<rasd:Address>0</rasd:Address>"],
    },
    {
      id: 5,
      type: RT.disk,
      name: "Hard disk 1",
      extra: [
        "<rasd:AddressOnParent>0</rasd:AddressOnParent>",
        `<rasd:HostResource>ovf:/disk/${DISK_ID}</rasd:HostResource>`,
        `<rasd:Parent>${scsiId}</rasd:Parent>`,
      ],
    },
    {
      // The CD-ROM drive is what the "iso" OVF environment transport attaches its ISO to:
      // the fallback for hosts where VMware Tools' guestinfo channel is not available.
      id: 6,
      type: RT.cdrom,
      name: "CD/DVD drive 1",
      extra: [
        "<rasd:AddressOnParent>0</rasd:AddressOnParent>",
        "<rasd:AutomaticAllocation>false</rasd:AutomaticAllocation>",
        `<rasd:Parent>${ideId}</rasd:Parent>`,
      ],
    },
    ...OVF_NETWORKS.map((n, i) => ({
      id: 7 + i,
      type: RT.ethernet,
      name: `Network adapter ${i + 1}`,
      description: `VmxNet3 adapter on "${n.name}"`,
      extra: [
        `<rasd:AddressOnParent>${7 + i}</rasd:AddressOnParent>`,
        "<rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>",
        `<rasd:Connection>${xmlEscape(n.name)}</rasd:Connection>`,
        "<rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>",
      ],
    })),
  ];
  const v = xmlEscape(input.version);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by gateway/image/appliance.ovf.ts; do not edit. -->
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
    xmlns:vmw="http://www.vmware.com/schema/ovf"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:id="${FILE_ID}" ovf:href="${xmlEscape(input.vmdkHref)}" ovf:size="${input.vmdkSize}"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:diskId="${DISK_ID}" ovf:fileRef="${FILE_ID}" ovf:capacity="${input.diskCapacity}" ovf:capacityAllocationUnits="byte" ovf:format="${STREAM_OPTIMIZED}"/>
  </DiskSection>
  <NetworkSection>
    <Info>The logical networks used by the appliance</Info>
${OVF_NETWORKS.map((n) => `    <Network ovf:name="${xmlEscape(n.name)}">\n      <Description>${xmlEscape(n.description)}</Description>\n    </Network>`).join("\n")}
  </NetworkSection>
  <VirtualSystem ovf:id="l2stretch-gateway">
    <Info>l2stretch gateway: Linux bridge + VXLAN over strongSwan IPsec, driven by the l2stretch agent</Info>
    <Name>l2stretch-gateway-${v}</Name>
    <AnnotationSection>
      <Info>Deployment notes</Info>
      <Annotation>NIC 1 = management/uplink (eth0), NIC 2 = site trunk (eth1). Set the vApp properties at deploy time; the agent API listens on port 8443 and prints its TLS fingerprint in the journal.</Annotation>
    </AnnotationSection>
    <OperatingSystemSection ovf:id="96" vmw:osType="${APPLIANCE_HARDWARE.guestId}">
      <Info>The guest operating system</Info>
      <Description>Debian GNU/Linux 12 (64-bit)</Description>
    </OperatingSystemSection>
    <ProductSection>
      <Info>Bootstrap settings of the gateway, read on boot from the OVF environment</Info>
      <Product>l2stretch gateway</Product>
      <Vendor>l2stretch</Vendor>
      <Version>${v}</Version>
      <FullVersion>${v}</FullVersion>
${renderProperties("      ")}
    </ProductSection>
    <VirtualHardwareSection ovf:transport="com.vmware.guestInfo,iso">
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>l2stretch-gateway-${v}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>
      </System>
${items.map(renderItem).join("\n")}
      <vmw:Config ovf:required="false" vmw:key="tools.syncTimeWithHost" vmw:value="true"/>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
`;
}

export function sha256File(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** OVF manifest lines (`SHA256(name)= hex`), in the order the files appear in the OVA. */
export function renderManifest(entries: { name: string; sha256: string }[]): string {
  return entries.map((e) => `SHA256(${e.name})= ${e.sha256}\n`).join("");
}

function main(argv: string[]): void {
  const get = (flag: string): string => {
    const i = argv.indexOf(flag);
    const v = i >= 0 ? argv[i + 1] : undefined;
    if (v === undefined) throw new Error(`missing ${flag}`);
    return v;
  };
  const out = get("--out");
  const version = get("--version");
  const vmdk = get("--vmdk");
  const capacity = Number(get("--capacity"));
  if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new Error("--capacity must be a byte count");
  const files = applianceFiles(version);
  if (path.basename(vmdk) !== files.vmdk || path.resolve(path.dirname(vmdk)) !== path.resolve(out))
    throw new Error(`the VMDK must be ${path.join(out, files.vmdk)}`);
  const ovfPath = path.join(out, files.ovf);
  fs.writeFileSync(
    ovfPath,
    renderOvf({ version, vmdkHref: files.vmdk, vmdkSize: fs.statSync(vmdk).size, diskCapacity: capacity }),
  );
  fs.writeFileSync(
    path.join(out, files.mf),
    renderManifest([
      { name: files.ovf, sha256: sha256File(ovfPath) },
      { name: files.vmdk, sha256: sha256File(vmdk) },
    ]),
  );
  process.stdout.write(`${ovfPath}\n`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e: unknown) {
    process.stderr.write(`appliance.ovf: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
