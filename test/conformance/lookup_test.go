package conformance

import (
	"strings"
	"testing"

	"github.com/vmware/go-vcloud-director/v2/govcd"
)

const missingUUID = "00000000-0000-4000-8000-000000000000"

// wantForbidden: vCD answers a tenant 403 for an entity that does not exist (legacy API).
func wantForbidden(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), "API Error: 403") {
		t.Errorf("%s: got %v, want the SDK's API Error 403", what, err)
	}
}

// TestLookups: org, VDC and edge gateway by name, id and href through the SDK's getters,
// including the VDC's rel="edgeGateways" query link that GetEdgeGatewayByName follows.
func TestLookups(t *testing.T) {
	vcd := tenant(t)
	org, err := vcd.GetOrgByName(tenantOrg)
	if err != nil {
		t.Fatalf("GetOrgByName: %s", err)
	}
	t.Run("OrgById", func(t *testing.T) {
		// The SDK takes an org's UUID from its href only when the href starts with https://
		// (govcd.GetUuidFromHref); the simulator serves plain HTTP.
		if !strings.HasPrefix(org.Org.HREF, "https://") {
			t.Skip("GetOrgById needs https:// hrefs; the simulator serves plain HTTP")
		}
		if byID, err := vcd.GetOrgById(org.Org.ID); err != nil || byID.Org.HREF != org.Org.HREF {
			t.Errorf("GetOrgById(%s): %v", org.Org.ID, err)
		}
	})
	if _, err := vcd.GetOrgByName("no-such-org"); !govcd.IsNotFound(err) {
		t.Errorf("GetOrgByName(missing) = %v, want ErrorEntityNotFound", err)
	}

	vdc, err := org.GetVDCByName(vdcName, false)
	if err != nil {
		t.Fatalf("GetVDCByName: %s", err)
	}
	if byID, err := org.GetVDCById(vdc.Vdc.ID, false); err != nil || byID.Vdc.Name != vdcName {
		t.Errorf("GetVDCById: %v", err)
	}
	if byHref, err := org.GetVDCByHref(vdc.Vdc.HREF); err != nil || byHref.Vdc.ID != vdc.Vdc.ID {
		t.Errorf("GetVDCByHref: %v", err)
	}
	if _, err := org.GetVDCByName("no-such-vdc", true); !govcd.IsNotFound(err) {
		t.Errorf("GetVDCByName(missing) = %v, want ErrorEntityNotFound", err)
	}
	_, err = org.GetVDCByHref(strings.Replace(vdc.Vdc.HREF, vdc.Vdc.ID[len("urn:vcloud:vdc:"):], missingUUID, 1))
	wantForbidden(t, "GetVDCByHref(missing)", err)

	records, err := vdc.GetEdgeGatewayRecordsType(false)
	if err != nil {
		t.Fatalf("GetEdgeGatewayRecordsType (the VDC's rel=edgeGateways link): %s", err)
	}
	var names []string
	for _, r := range records.EdgeGatewayRecord {
		names = append(names, r.Name)
	}
	if strings.Join(names, ",") != edgeName+","+otherEdgeName {
		t.Errorf("edge gateway records %v", names)
	}
	egw, err := vdc.GetEdgeGatewayByName(edgeName, false)
	if err != nil {
		t.Fatalf("GetEdgeGatewayByName: %s", err)
	}
	if !strings.HasPrefix(egw.EdgeGateway.ID, "urn:vcloud:gateway:") {
		t.Errorf("edge id %q", egw.EdgeGateway.ID)
	}
	if byID, err := vdc.GetEdgeGatewayById(egw.EdgeGateway.ID, false); err != nil || byID.EdgeGateway.Name != edgeName {
		t.Errorf("GetEdgeGatewayById: %v", err)
	}
	if byHref, err := vdc.GetEdgeGatewayByHref(egw.EdgeGateway.HREF); err != nil || byHref.EdgeGateway.ID != egw.EdgeGateway.ID {
		t.Errorf("GetEdgeGatewayByHref: %v", err)
	}
	if byAny, err := vdc.GetEdgeGatewayByNameOrId(otherEdgeName, false); err != nil || byAny.EdgeGateway.Name != otherEdgeName {
		t.Errorf("GetEdgeGatewayByNameOrId: %v", err)
	}
	if _, err := vdc.GetEdgeGatewayByName("no-such-edge", false); !govcd.IsNotFound(err) {
		t.Errorf("GetEdgeGatewayByName(missing) = %v, want ErrorEntityNotFound", err)
	}
	_, err = vdc.GetEdgeGatewayByHref(strings.Replace(egw.EdgeGateway.HREF, egw.EdgeGateway.ID[len("urn:vcloud:gateway:"):], missingUUID, 1))
	wantForbidden(t, "GetEdgeGatewayByHref(missing)", err)
	if !egw.HasAdvancedNetworking() {
		t.Error("edge gateway without advanced networking")
	}
}

// TestCapabilities: Vdc.IsNsxv reads /cloudapi/1.0.0/vdcs/{id}/capabilities (from API 32.0).
func TestCapabilities(t *testing.T) {
	_, mode := simFromEnv(t)
	vcd := tenant(t)
	org, err := vcd.GetOrgByName(tenantOrg)
	if err != nil {
		t.Fatal(err)
	}
	vdc, err := org.GetVDCByName(vdcName, false)
	if err != nil {
		t.Fatal(err)
	}
	caps, err := vdc.GetCapabilities()
	if !modes[mode].hasCloudAPI {
		if err == nil || !strings.Contains(err.Error(), "32.0") {
			t.Fatalf("GetCapabilities before 32.0 = %v, want the SDK's API version refusal", err)
		}
		return
	}
	if err != nil || len(caps) == 0 {
		t.Fatalf("GetCapabilities: %v (%d)", err, len(caps))
	}
	if !vdc.IsNsxv() || vdc.IsNsxt() {
		t.Errorf("IsNsxv=%v IsNsxt=%v, want an NSX-V VDC", vdc.IsNsxv(), vdc.IsNsxt())
	}
}
