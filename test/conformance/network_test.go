package conformance

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/vmware/go-vcloud-director/v2/govcd"
	"github.com/vmware/go-vcloud-director/v2/types/v56"
)

// fixture: the tenant's VDC and edge gateway, found through the SDK.
func fixture(t *testing.T) (*govcd.VCDClient, *govcd.Vdc, *govcd.EdgeGateway) {
	t.Helper()
	vcd := tenant(t)
	org, err := vcd.GetOrgByName(tenantOrg)
	if err != nil {
		t.Fatal(err)
	}
	vdc, err := org.GetVDCByName(vdcName, false)
	if err != nil {
		t.Fatal(err)
	}
	egw, err := vdc.GetEdgeGatewayByName(edgeName, false)
	if err != nil {
		t.Fatal(err)
	}
	return vcd, vdc, egw
}

func hasGatewayInterface(t *testing.T, egw *govcd.EdgeGateway, name string) bool {
	t.Helper()
	nets, err := egw.GetNetworks()
	if err != nil {
		t.Fatalf("GetNetworks: %s", err)
	}
	for _, n := range nets {
		if n.Name == name {
			if n.InterfaceType != "internal" {
				t.Errorf("GatewayInterface %s has type %q, want internal", name, n.InterfaceType)
			}
			return true
		}
	}
	return false
}

// TestLegacyNetworkCRUD: a subinterface Org VDC network through the legacy XML API, as the
// SDK creates, reads, renames (PUT with the EdgeGateway it looks up) and deletes it, and the
// edge views the SDK reads for it (GatewayInterfaces, /vdcNetworks).
func TestLegacyNetworkCRUD(t *testing.T) {
	_, vdc, egw := fixture(t)
	name, renamed := "conf-legacy", "conf-legacy-renamed"
	yes := true
	err := vdc.CreateOrgVDCNetworkWait(&types.OrgVDCNetwork{
		Name:        name,
		Description: "conformance: legacy XML API",
		Configuration: &types.NetworkConfiguration{
			IPScopes: &types.IPScopes{IPScope: []*types.IPScope{{
				Gateway: "10.71.0.1",
				Netmask: "255.255.255.0",
				DNS1:    "10.71.0.53",
				IPRanges: &types.IPRanges{IPRange: []*types.IPRange{
					{StartAddress: "10.71.0.10", EndAddress: "10.71.0.20"},
				}},
			}}},
			FenceMode:    types.FenceModeNAT,
			SubInterface: &yes,
		},
		EdgeGateway: &types.Reference{HREF: egw.EdgeGateway.HREF},
	})
	if err != nil {
		t.Fatalf("CreateOrgVDCNetworkWait: %s", err)
	}
	net, err := vdc.GetOrgVdcNetworkByName(name, true)
	if err != nil {
		t.Fatalf("GetOrgVdcNetworkByName: %s", err)
	}
	cfg := net.OrgVDCNetwork.Configuration
	if cfg.SubInterface == nil || !*cfg.SubInterface || cfg.FenceMode != types.FenceModeNAT {
		t.Errorf("read back SubInterface=%v FenceMode=%s", cfg.SubInterface, cfg.FenceMode)
	}
	if byID, err := vdc.GetOrgVdcNetworkById(net.OrgVDCNetwork.ID, false); err != nil || byID.OrgVDCNetwork.Name != name {
		t.Errorf("GetOrgVdcNetworkById: %v", err)
	}
	list, err := vdc.GetNetworkList()
	if err != nil {
		t.Fatalf("GetNetworkList: %s", err)
	}
	if len(list) != 1 || list[0].Name != name || list[0].ConnectedTo != edgeName || list[0].LinkType != 1 {
		t.Errorf("GetNetworkList: %+v", list)
	}

	if !hasGatewayInterface(t, egw, name) {
		t.Errorf("edge GatewayInterfaces does not list %s", name)
	}
	idx, ifType, err := egw.GetAnyVnicIndexByNetworkName(name)
	if err != nil || ifType != "subinterface" {
		t.Fatalf("GetAnyVnicIndexByNetworkName: %v %q", err, ifType)
	}
	if n, typ, err := egw.GetNetworkNameAndTypeByVnicIndex(*idx); err != nil || n != name || typ != "subinterface" {
		t.Errorf("GetNetworkNameAndTypeByVnicIndex(%d) = %q %q %v", *idx, n, typ, err)
	}
	if _, err := egw.GetVnicIndexByNetworkNameAndType(name, "internal"); !govcd.IsNotFound(err) {
		t.Errorf("GetVnicIndexByNetworkNameAndType(internal) = %v, want ErrorEntityNotFound", err)
	}

	if err := net.Rename(renamed); err != nil {
		t.Fatalf("Rename (PUT with EdgeGateway): %s", err)
	}
	if net.OrgVDCNetwork.Name != renamed {
		t.Errorf("after Rename the network is %q", net.OrgVDCNetwork.Name)
	}
	if _, err := vdc.GetOrgVdcNetworkByName(renamed, true); err != nil {
		t.Errorf("renamed network not found: %s", err)
	}

	href := net.OrgVDCNetwork.HREF
	task, err := net.Delete()
	if err != nil {
		t.Fatalf("Delete: %s", err)
	}
	if err := task.WaitTaskCompletion(); err != nil {
		t.Fatalf("delete task: %s", err)
	}
	if _, err := vdc.GetOrgVdcNetworkByName(renamed, true); !govcd.IsNotFound(err) {
		t.Errorf("GetOrgVdcNetworkByName after delete = %v, want ErrorEntityNotFound", err)
	}
	_, err = vdc.GetOrgVdcNetworkByHref(href)
	wantForbidden(t, "GetOrgVdcNetworkByHref(deleted)", err)
	if hasGatewayInterface(t, egw, renamed) {
		t.Errorf("edge GatewayInterfaces still lists %s", renamed)
	}
}

func cloudNetwork(vdc *govcd.Vdc, egw *govcd.EdgeGateway, name string, octet string) *types.OpenApiOrgVdcNetwork {
	owner := &types.OpenApiReference{ID: vdc.Vdc.ID}
	return &types.OpenApiOrgVdcNetwork{
		Name:        name,
		Description: "conformance: CloudAPI",
		OwnerRef:    owner,
		OrgVdc:      owner,
		NetworkType: "NAT_ROUTED",
		Connection: &types.Connection{
			RouterRef:      types.OpenApiReference{ID: egw.EdgeGateway.ID},
			ConnectionType: "SUBINTERFACE",
		},
		Subnets: types.OrgVdcNetworkSubnets{Values: []types.OrgVdcNetworkSubnetValues{{
			Gateway:      "10." + octet + ".0.1",
			PrefixLength: 24,
			DNSServer1:   "10." + octet + ".0.53",
			IPRanges: types.OrgVdcNetworkSubnetIPRanges{Values: []types.OrgVdcNetworkSubnetIPRangeValues{
				{StartAddress: "10." + octet + ".0.10", EndAddress: "10." + octet + ".0.20"},
			}},
		}}},
	}
}

// TestCloudApiNetworkCRUD: the same kind of network through /cloudapi/1.0.0/orgVdcNetworks
// (connectionType SUBINTERFACE), paging through the list, and the SDK's not-found on a 403.
func TestCloudApiNetworkCRUD(t *testing.T) {
	_, mode := simFromEnv(t)
	_, vdc, egw := fixture(t)
	if !modes[mode].hasCloudAPI {
		_, err := vdc.CreateOpenApiOrgVdcNetwork(cloudNetwork(vdc, egw, "conf-cloud", "72"))
		if err == nil || !strings.Contains(err.Error(), "32.0") {
			t.Fatalf("CreateOpenApiOrgVdcNetwork before 32.0 = %v, want the SDK's API version refusal", err)
		}
		return
	}
	a, err := vdc.CreateOpenApiOrgVdcNetwork(cloudNetwork(vdc, egw, "conf-cloud-a", "72"))
	if err != nil {
		t.Fatalf("CreateOpenApiOrgVdcNetwork: %s", err)
	}
	b, err := vdc.CreateOpenApiOrgVdcNetwork(cloudNetwork(vdc, egw, "conf-cloud-b", "73"))
	if err != nil {
		t.Fatalf("CreateOpenApiOrgVdcNetwork (second): %s", err)
	}
	got := a.OpenApiOrgVdcNetwork
	if !strings.HasPrefix(got.ID, "urn:vcloud:network:") || got.Connection == nil ||
		got.Connection.ConnectionType != "SUBINTERFACE" || got.Connection.RouterRef.ID != egw.EdgeGateway.ID {
		t.Errorf("created network: %+v", got)
	}
	if !a.IsRouted() {
		t.Error("IsRouted() is false")
	}
	read, err := vdc.GetOpenApiOrgVdcNetworkById(got.ID)
	if err != nil || read.OpenApiOrgVdcNetwork.Name != "conf-cloud-a" {
		t.Fatalf("GetOpenApiOrgVdcNetworkById: %v", err)
	}
	xmlView, err := vdc.GetOrgVdcNetworkByName("conf-cloud-a", true)
	if err != nil || xmlView.OrgVDCNetwork.Configuration.SubInterface == nil || !*xmlView.OrgVDCNetwork.Configuration.SubInterface {
		t.Errorf("the CloudAPI network seen through the XML API: %v", err)
	}
	if !hasGatewayInterface(t, egw, "conf-cloud-a") {
		t.Error("edge GatewayInterfaces does not list conf-cloud-a")
	}

	all, err := vdc.GetAllOpenApiOrgVdcNetworks(url.Values{"pageSize": {"1"}})
	if err != nil {
		t.Fatalf("GetAllOpenApiOrgVdcNetworks with pageSize=1 (follows Link rel=nextPage): %s", err)
	}
	if len(all) != 2 {
		t.Errorf("paged list has %d networks, want 2", len(all))
	}
	// vCD refuses pageSize > 32 on this endpoint; the SDK caps what it sends at 32.
	if byName, err := vdc.GetOpenApiOrgVdcNetworkByName("conf-cloud-b"); err != nil || byName.OpenApiOrgVdcNetwork.ID != b.OpenApiOrgVdcNetwork.ID {
		t.Errorf("GetOpenApiOrgVdcNetworkByName (filter name==, pageSize 32): %v", err)
	}

	change := *read.OpenApiOrgVdcNetwork
	change.Name = "conf-cloud-a2"
	change.Description = "renamed through CloudAPI"
	updated, err := read.Update(&change)
	if err != nil {
		t.Fatalf("Update: %s", err)
	}
	if updated.OpenApiOrgVdcNetwork.Name != "conf-cloud-a2" || updated.OpenApiOrgVdcNetwork.Connection.ConnectionType != "SUBINTERFACE" {
		t.Errorf("after Update: %+v", updated.OpenApiOrgVdcNetwork)
	}

	for _, n := range []*govcd.OpenApiOrgVdcNetwork{updated, b} {
		if err := n.Delete(); err != nil {
			t.Fatalf("Delete %s: %s", n.OpenApiOrgVdcNetwork.Name, err)
		}
	}
	_, err = vdc.GetOpenApiOrgVdcNetworkById(got.ID)
	if !govcd.ContainsNotFound(err) {
		t.Errorf("GetOpenApiOrgVdcNetworkById after delete = %v, want ErrorEntityNotFound (vCD's 403)", err)
	}
}

// TestQueryPaging: a typed query page by page, as the SDK's QueryWithNotEncodedParams sends it.
func TestQueryPaging(t *testing.T) {
	vcd, _, _ := fixture(t)
	seen := map[string]bool{}
	for page := 1; page <= 2; page++ {
		res, err := vcd.Client.QueryWithNotEncodedParams(nil, map[string]string{
			"type":     "edgeGateway",
			"pageSize": "1",
			"page":     strconv.Itoa(page),
		})
		if err != nil {
			t.Fatalf("query page %d: %s", page, err)
		}
		r := res.Results
		if r.Total != 2 || r.PageSize != 1 || r.Page != page || len(r.EdgeGatewayRecord) != 1 {
			t.Fatalf("page %d: total %v pageSize %d page %d records %d", page, r.Total, r.PageSize, r.Page, len(r.EdgeGatewayRecord))
		}
		seen[r.EdgeGatewayRecord[0].Name] = true
		hasNext := false
		for _, l := range r.Link {
			if l.Rel == "nextPage" {
				hasNext = true
			}
		}
		if hasNext != (page == 1) {
			t.Errorf("page %d: nextPage link present = %v", page, hasNext)
		}
	}
	if !seen[edgeName] || !seen[otherEdgeName] {
		t.Errorf("pages returned %v", seen)
	}
}

// trunkOnLogicalSwitch: an edge vNIC NSX refuses (a trunk must sit on a distributed port group).
type trunkOnLogicalSwitch struct {
	XMLName     xml.Name `xml:"vnic"`
	Name        string   `xml:"name"`
	Mtu         int      `xml:"mtu"`
	Type        string   `xml:"type"`
	IsConnected bool     `xml:"isConnected"`
	Index       int      `xml:"index"`
	PortgroupID string   `xml:"portgroupId"`
}

// TestEdgeViewsAndNsxErrors: the edge's vNICs read through vCD's /network proxy into the SDK's
// types, and an NSX refusal passed through the proxy as NSX's own <error>, parsed as types.NSXError.
func TestEdgeViewsAndNsxErrors(t *testing.T) {
	vcd, _, egw := fixture(t)
	u, _ := simFromEnv(t)
	base := strings.TrimSuffix(u.String(), "/api") + "/network/edges/" + strings.TrimPrefix(egw.EdgeGateway.ID, "urn:vcloud:gateway:")

	var vnics types.EdgeGatewayVnics
	if _, err := vcd.Client.ExecuteRequest(base+"/vnics", http.MethodGet, "", "vnics: %s", nil, &vnics); err != nil {
		t.Fatalf("GET vnics: %s", err)
	}
	if len(vnics.Vnic) != 10 || vnics.Vnic[0].Type != "uplink" || vnics.Vnic[0].Index == nil || *vnics.Vnic[0].Index != 0 {
		t.Fatalf("vnics: %d, first %+v", len(vnics.Vnic), vnics.Vnic[0])
	}

	_, err := vcd.Client.ExecuteRequestWithCustomError(base+"/vnics/5", http.MethodPut, "application/xml",
		"edge vnic update: %s", &trunkOnLogicalSwitch{Name: "trunk", Mtu: 1500, Type: "trunk", IsConnected: true, Index: 5, PortgroupID: "virtualwire-12"},
		&types.NSXError{})
	if err == nil || !strings.Contains(err.Error(), "distributed port group") || !strings.Contains(err.Error(), "(API error: 10130)") {
		t.Fatalf("NSX refusal through the proxy = %v, want types.NSXError with NSX's details and code", err)
	}
}
