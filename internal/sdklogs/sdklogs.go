// Package sdklogs switches off the plugin SDK's logging when Terraform will
// not read it. terraform-plugin-go and the framework log every RPC at TRACE
// by default, and Terraform discards those lines unless TF_LOG or
// TF_LOG_PROVIDER is set; producing and parsing them took about a third of
// the provider's CPU in `make bench`.
package sdklogs

import "os"

// QuietUnread sets the SDK's log variables, and providerLogVar (the
// provider's own, such as TF_LOG_PROVIDER_DOMAINTRUST), to "off" unless
// Terraform reads provider logs. A variable the user set is left alone.
func QuietUnread(providerLogVar string) {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", providerLogVar} {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "off")
		}
	}
}
