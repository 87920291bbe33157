// The hrefs vCD uses for each object kind, and media types of references.

export const MEDIA = {
  org: "application/vnd.vmware.vcloud.org+xml",
  orgList: "application/vnd.vmware.vcloud.orgList+xml",
  vdc: "application/vnd.vmware.vcloud.vdc+xml",
  adminVdc: "application/vnd.vmware.admin.vdc+xml",
  edge: "application/vnd.vmware.admin.edgeGateway+xml",
  network: "application/vnd.vmware.vcloud.orgVdcNetwork+xml",
  task: "application/vnd.vmware.vcloud.task+xml",
  user: "application/vnd.vmware.admin.user+xml",
  session: "application/vnd.vmware.vcloud.session+xml",
  query: "application/vnd.vmware.vcloud.query.records+xml",
} as const;

export const href = {
  org: (b: string, id: string) => `${b}/api/org/${id}`,
  adminOrg: (b: string, id: string) => `${b}/api/admin/org/${id}`,
  vdc: (b: string, id: string) => `${b}/api/vdc/${id}`,
  adminVdc: (b: string, id: string) => `${b}/api/admin/vdc/${id}`,
  vdcNetworks: (b: string, id: string) => `${b}/api/admin/vdc/${id}/networks`,
  edge: (b: string, id: string) => `${b}/api/admin/edgeGateway/${id}`,
  network: (b: string, id: string) => `${b}/api/network/${id}`,
  adminNetwork: (b: string, id: string) => `${b}/api/admin/network/${id}`,
  externalNetwork: (b: string, id: string) => `${b}/api/admin/network/${id}`,
  task: (b: string, id: string) => `${b}/api/task/${id}`,
  user: (b: string, id: string) => `${b}/api/admin/user/${id}`,
};
