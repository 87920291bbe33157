package conformance

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vmware/go-vcloud-director/v2/govcd"
)

// versionsDoc is /api/versions with ProviderLoginUrl, which this SDK release does not model yet.
type versionsDoc struct {
	XMLName  xml.Name `xml:"SupportedVersions"`
	Versions []struct {
		Version          string `xml:"Version"`
		LoginUrl         string `xml:"LoginUrl"`
		ProviderLoginUrl string `xml:"ProviderLoginUrl"`
		Deprecated       bool   `xml:"deprecated,attr"`
	} `xml:"VersionInfo"`
}

// TestVersions: the API range of the release, /api/sessions as LoginUrl up to 35.0, the CloudAPI
// URL and ProviderLoginUrl from 36.0 (as go-vcloud-director's recorded /api/versions shows).
func TestVersions(t *testing.T) {
	u, mode := simFromEnv(t)
	facts := modes[mode]
	vcd, _ := newClient(t, facts.legacyVersion)
	var doc versionsDoc
	if _, err := vcd.Client.ExecuteRequest(u.String()+"/versions", http.MethodGet, "", "versions: %s", nil, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Versions) == 0 {
		t.Fatal("no VersionInfo")
	}
	maxV, err := tenant(t).Client.MaxSupportedVersion()
	if err != nil || maxV != facts.maxVersion {
		t.Fatalf("MaxSupportedVersion = %q (%v), want %s", maxV, err, facts.maxVersion)
	}
	for _, v := range doc.Versions {
		major, err := strconv.Atoi(strings.Split(v.Version, ".")[0])
		if err != nil {
			t.Fatalf("version %q: %s", v.Version, err)
		}
		cloud := major >= 36
		wantLogin := "/api/sessions"
		wantProvider := ""
		if cloud {
			wantLogin = "/cloudapi/1.0.0/sessions"
			wantProvider = "/cloudapi/1.0.0/sessions/provider"
		}
		if !strings.HasSuffix(v.LoginUrl, wantLogin) {
			t.Errorf("%s: LoginUrl %s, want …%s", v.Version, v.LoginUrl, wantLogin)
		}
		if (wantProvider == "") != (v.ProviderLoginUrl == "") || !strings.HasSuffix(v.ProviderLoginUrl, wantProvider) {
			t.Errorf("%s: ProviderLoginUrl %q, want %q", v.Version, v.ProviderLoginUrl, wantProvider)
		}
	}
}

// TestLoginLegacy: the SDK's Authenticate at a version whose LoginUrl is /api/sessions posts there;
// at 29.0 (vCD 9.0) the session has only the legacy token, which the SDK takes through SetToken.
func TestLoginLegacy(t *testing.T) {
	_, mode := simFromEnv(t)
	vcd, rec := newClient(t, modes[mode].legacyVersion)
	if mode == "9.0.0.0" {
		token := legacyTokenLogin(t, vcd, tenantUser, tenantPassword, tenantOrg)
		if err := vcd.SetToken(tenantOrg, "x-vcloud-authorization", token); err != nil {
			t.Fatalf("SetToken with the legacy token: %s", err)
		}
		if _, err := vcd.GetOrgByName(tenantOrg); err != nil {
			t.Fatalf("legacy token not usable: %s", err)
		}
		if err := vcd.SetToken(tenantOrg, "x-vcloud-authorization", strings.Repeat("0", 32)); err == nil {
			t.Fatal("SetToken accepted a token the server never issued")
		}
		return
	}
	if err := vcd.Authenticate(tenantUser, tenantPassword, tenantOrg); err != nil {
		t.Fatalf("Authenticate: %s", err)
	}
	if !rec.sent("POST /api/sessions") || rec.sent("POST /cloudapi/1.0.0/sessions") {
		t.Fatalf("login requests %v, want POST /api/sessions only", rec.calls)
	}
	if vcd.Client.VCDToken == "" {
		t.Fatal("no token stored")
	}
	if _, err := vcd.GetOrgByName(tenantOrg); err != nil {
		t.Fatalf("token not usable: %s", err)
	}
	bad, _ := newClient(t, modes[mode].legacyVersion)
	if err := bad.Authenticate(tenantUser, "wrong", tenantOrg); err == nil {
		t.Fatal("a wrong password logged in")
	}
}

// TestLoginCloudAPI: a CloudAPI session (POST /cloudapi/1.0.0/sessions, from 33.0) whose token the
// SDK takes with SetToken; in 10.3 the SDK's own Authenticate at 36.0 follows the advertised CloudAPI
// LoginUrl, and a provider user ends at /sessions/provider.
func TestLoginCloudAPI(t *testing.T) {
	u, mode := simFromEnv(t)
	facts := modes[mode]
	version := "33.0"
	if !facts.hasCloudAPI {
		version = facts.maxVersion
	}
	vcd, _ := newClient(t, version)
	loginURL := *u
	loginURL.Path = "/cloudapi/1.0.0/sessions"
	req := vcd.Client.NewRequest(map[string]string{}, http.MethodPost, loginURL, nil)
	req.SetBasicAuth(tenantUser+"@"+tenantOrg, tenantPassword)
	req.Header.Set("Accept", "application/json;version="+version)
	resp, err := vcd.Client.Http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !facts.hasCloudAPI {
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("CloudAPI login before 33.0 answered %d, want 404", resp.StatusCode)
		}
		return
	}
	token := resp.Header.Get("X-Vmware-Vcloud-Access-Token")
	if resp.StatusCode != http.StatusOK || token == "" {
		t.Fatalf("CloudAPI login: %d, token %q", resp.StatusCode, token)
	}
	if err := vcd.SetToken(tenantOrg, govcd.BearerTokenHeader, token); err != nil {
		t.Fatalf("SetToken with the CloudAPI token: %s", err)
	}
	if _, err := vcd.GetOrgByName(tenantOrg); err != nil {
		t.Fatalf("CloudAPI token not usable on the legacy API: %s", err)
	}

	if facts.cloudLoginVersion == "" {
		return
	}
	sdk, rec := newClient(t, facts.cloudLoginVersion)
	if err := sdk.Authenticate(tenantUser, tenantPassword, tenantOrg); err != nil {
		t.Fatalf("Authenticate at %s: %s", facts.cloudLoginVersion, err)
	}
	if !rec.sent("POST /cloudapi/1.0.0/sessions") || rec.sent("POST /api/sessions") {
		t.Fatalf("login requests %v, want the CloudAPI LoginUrl", rec.calls)
	}
	provider, prec := newClient(t, facts.cloudLoginVersion)
	if err := provider.Authenticate(providerUser, providerPass, "System"); err != nil {
		t.Fatalf("provider Authenticate at %s: %s", facts.cloudLoginVersion, err)
	}
	if !prec.sent("POST /cloudapi/1.0.0/sessions/provider") {
		t.Fatalf("provider login requests %v, want /cloudapi/1.0.0/sessions/provider", prec.calls)
	}
}
