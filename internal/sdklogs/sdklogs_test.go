package sdklogs

import (
	"os"
	"testing"
)

func TestQuietUnread(t *testing.T) {
	names := []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_DOMAINTRUST"}
	reset := func() {
		for _, n := range append(names, "TF_LOG", "TF_LOG_PROVIDER") {
			t.Setenv(n, "")
			_ = os.Unsetenv(n)
		}
	}

	reset()
	QuietUnread("TF_LOG_PROVIDER_DOMAINTRUST")
	for _, n := range names {
		if got := os.Getenv(n); got != "off" {
			t.Errorf("with no TF_LOG, %s = %q, want off", n, got)
		}
	}

	// Terraform reads provider logs: leave everything as it is.
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		reset()
		t.Setenv(v, "trace")
		QuietUnread("TF_LOG_PROVIDER_DOMAINTRUST")
		for _, n := range names {
			if _, set := os.LookupEnv(n); set {
				t.Errorf("with %s set, %s was changed", v, n)
			}
		}
	}

	// A level the user chose is kept.
	reset()
	t.Setenv("TF_LOG_SDK_PROTO", "debug")
	QuietUnread("TF_LOG_PROVIDER_DOMAINTRUST")
	if got := os.Getenv("TF_LOG_SDK_PROTO"); got != "debug" {
		t.Errorf("user's TF_LOG_SDK_PROTO overwritten with %q", got)
	}
}
