// Command terraform-provider-domaintrust serves the Domain Trust provider to Terraform.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/provider"
)

// version is set at build time by goreleaser (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		quietUnreadLogs()
	}

	// What providerserver.Serve does, with the framework's server wrapped.
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve(provider.Address, serverFactory(version), opts...); err != nil {
		log.Fatal(err.Error())
	}
}

// serverFactory wraps the framework's server so that the contexts of
// finished RPCs do not pile up in memory (see internal/ctxrelease).
func serverFactory(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return ctxrelease.NewProtocol6(provider.New(version)())()
	}
}

// quietUnreadLogs turns off the plugin SDK's and the provider's logging when
// Terraform will not read it. terraform-plugin-go and the framework log every
// RPC at TRACE by default, and Terraform discards those lines unless TF_LOG or
// TF_LOG_PROVIDER is set; producing and parsing them took about a third of
// the provider's CPU in `make bench`. A variable the user set is left alone.
func quietUnreadLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_DOMAINTRUST"} {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "off")
		}
	}
}
