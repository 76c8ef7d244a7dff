package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestSecretNeverPrinted(t *testing.T) {
	const value = "dtk_SECRET_value_0123456789"
	key := Key{ID: "k1", Description: "d", Secret: value}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%10.3s", "%d"} {
		for _, v := range []any{key, &key, key.Secret, []Key{key}, map[string]Secret{"k": key.Secret}} {
			if out := fmt.Sprintf(format, v); strings.Contains(out, value) || strings.Contains(out, fmt.Sprintf("%x", value)) {
				t.Errorf("Sprintf(%q, %T) = %s", format, v, out)
			}
		}
	}
	if out := fmt.Sprint(key.Secret) + fmt.Sprintln(key) + key.Secret.String() + key.Secret.GoString(); strings.Contains(out, value) {
		t.Errorf("printed: %s", out)
	}
	raw, err := json.Marshal(key)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), value) || !strings.Contains(string(raw), `"Secret":"[REDACTED]"`) {
		t.Errorf("JSON = %s", raw)
	}
	if key.Secret.Reveal() != value {
		t.Errorf("Reveal() = %q", key.Secret.Reveal())
	}
	if got := fmt.Sprintf("%#v", key.Secret); got != `"[REDACTED]"` {
		t.Errorf("%%#v = %s", got)
	}
}

// TestLogsCarryNoSecrets captures the tflog output of a create that is
// retried once, and checks that the log says what happened without the API
// key, the created secret or the Authorization header.
func TestLogsCarryNoSecrets(t *testing.T) {
	const created = "dtk_example_secret_value_not_real_0123456789"
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			replyStatus(http.StatusTooManyRequests, "0")(t, w)
			return
		}
		replyJSON(w, http.StatusCreated, golden(t, "key_create_response.json"))
	})
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	key, err := newTestClient(t, f.URL+"/api").CreateKey(ctx, CreateKeyInput{Description: "d", Environment: "testing"})
	if err != nil || key.Secret.Reveal() != created {
		t.Fatalf("CreateKey = %v, %v", key, err)
	}
	log := out.String()
	for _, forbidden := range []string{apiKeyHead, apiKeyTail, created, "Authorization", "authorization", "Bearer"} {
		if strings.Contains(log, forbidden) {
			t.Errorf("log contains %q:\n%s", forbidden, log)
		}
	}
	entries, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []float64
	for _, e := range entries {
		if e["method"] != "POST" || e["path"] != "/keys" {
			t.Errorf("entry without method and path: %v", e)
		}
		if s, ok := e["status"].(float64); ok && e["@message"] == "Domain Trust API answer" {
			statuses = append(statuses, s)
		}
	}
	if fmt.Sprint(statuses) != "[429 201]" {
		t.Errorf("logged answers %v, want [429 201]:\n%s", statuses, log)
	}
}

// TestMaskInLogs: a masked secret shows in neither a message nor a field
// value; an empty secret masks nothing.
func TestMaskInLogs(t *testing.T) {
	const secret = "dtk_example_secret_value_not_real_0123456789"
	var out bytes.Buffer
	ctx := MaskInLogs(tflogtest.RootLogger(context.Background(), &out), secret)
	ctx = MaskInLogs(ctx, "")
	tflog.Info(ctx, "created "+secret, map[string]any{"value": secret, "nested": "key=" + secret, "id": "k1"})
	log := out.String()
	if strings.Contains(log, secret) || !strings.Contains(log, "k1") || !strings.Contains(log, "created") {
		t.Errorf("log %s: want the message and id without the secret", log)
	}
}
