package conformance

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/vmware/go-vcloud-director/v2/govcd"
)

// The simulator under test and its release mode come from the environment (the jest wrapper
// test/integration/conformance.test.ts starts one simulator per mode and sets both).
func simFromEnv(t *testing.T) (*url.URL, string) {
	t.Helper()
	raw := os.Getenv("L2S_SIM_URL")
	if raw == "" {
		t.Skip("L2S_SIM_URL is not set: run through test/integration/conformance.test.ts")
	}
	u, err := url.Parse(strings.TrimRight(raw, "/") + "/api")
	if err != nil {
		t.Fatalf("bad L2S_SIM_URL %q: %s", raw, err)
	}
	mode := os.Getenv("L2S_SIM_MODE")
	if _, ok := modes[mode]; !ok {
		t.Fatalf("L2S_SIM_MODE must be one of 9.0.0.0, 10.0, 10.3; got %q", mode)
	}
	return u, mode
}

// modeFacts: what each simulated release offers, as the real release does.
type modeFacts struct {
	maxVersion string
	// legacyVersion: an API version whose advertised LoginUrl is /api/sessions.
	legacyVersion string
	// cloudLoginVersion: the version whose LoginUrl is the CloudAPI one ("" = none up to max).
	cloudLoginVersion string
	// hasCloudAPI: CloudAPI sessions (33.0) and orgVdcNetworks/capabilities (32.0) exist.
	hasCloudAPI bool
}

var modes = map[string]modeFacts{
	"9.0.0.0": {maxVersion: "29.0", legacyVersion: "29.0"},
	"10.0":    {maxVersion: "33.0", legacyVersion: "32.0", hasCloudAPI: true},
	"10.3":    {maxVersion: "36.0", legacyVersion: "35.0", cloudLoginVersion: "36.0", hasCloudAPI: true},
}

const (
	tenantOrg      = "acme"
	tenantUser     = "alice"
	tenantPassword = "Alice-Secret-1"
	providerUser   = "administrator"
	providerPass   = "Admin-Secret-1"
	vdcName        = "acme-vdc"
	edgeName       = "edge-cloud-1"
	otherEdgeName  = "edge-cloud-2"
)

// recorder keeps the method and path of every request the SDK sends, so a test can tell which
// login URL the SDK chose.
type recorder struct {
	mu    sync.Mutex
	calls []string
	next  http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.calls = append(r.calls, req.Method+" "+req.URL.Path)
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *recorder) sent(call string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.calls {
		if c == call {
			return true
		}
	}
	return false
}

// newClient builds an SDK client at the given API version with a request recorder.
func newClient(t *testing.T, apiVersion string) (*govcd.VCDClient, *recorder) {
	t.Helper()
	u, _ := simFromEnv(t)
	vcd := govcd.NewVCDClient(*u, false, govcd.WithAPIVersion(apiVersion))
	rec := &recorder{next: http.DefaultTransport}
	vcd.Client.Http.Transport = rec
	return vcd, rec
}

// tenant logs alice in at the mode's legacy-login version: with the SDK's own Authenticate
// where the release sends a bearer token (API 30.0+), else with SetToken (see legacyTokenLogin).
func tenant(t *testing.T) *govcd.VCDClient {
	t.Helper()
	_, mode := simFromEnv(t)
	vcd, _ := newClient(t, modes[mode].legacyVersion)
	if mode == "9.0.0.0" {
		token := legacyTokenLogin(t, vcd, tenantUser, tenantPassword, tenantOrg)
		if err := vcd.SetToken(tenantOrg, "x-vcloud-authorization", token); err != nil {
			t.Fatalf("SetToken: %s", err)
		}
		return vcd
	}
	if err := vcd.Authenticate(tenantUser, tenantPassword, tenantOrg); err != nil {
		t.Fatalf("tenant login: %s", err)
	}
	return vcd
}

// legacyTokenLogin posts to /api/sessions with the SDK's request builder and returns the
// x-vcloud-authorization token. vCD 9.0 (API 29.0) sends only that token; this SDK release's
// Authenticate keeps only the bearer token of API 30.0+, so for 9.0 a program logs in this way
// and hands the token to SetToken (what Terraform's token auth does).
func legacyTokenLogin(t *testing.T, vcd *govcd.VCDClient, user, password, org string) string {
	t.Helper()
	u, _ := simFromEnv(t)
	login := *u
	login.Path = "/api/sessions"
	req := vcd.Client.NewRequest(map[string]string{}, http.MethodPost, login, nil)
	req.SetBasicAuth(user+"@"+org, password)
	req.Header.Set("Accept", "application/*+xml;version="+vcd.Client.APIVersion)
	resp, err := vcd.Client.Http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	token := resp.Header.Get("x-vcloud-authorization")
	if resp.StatusCode != http.StatusOK || len(token) != 32 {
		t.Fatalf("POST /api/sessions: %d, x-vcloud-authorization %q", resp.StatusCode, token)
	}
	return token
}
