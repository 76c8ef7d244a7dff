// Command terraform-provider-domaintrust serves the Domain Trust provider to Terraform.
package main

import (
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/ctxrelease"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/provider"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/sdklogs"
)

// version is set at build time by goreleaser (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		sdklogs.QuietUnread("TF_LOG_PROVIDER_DOMAINTRUST")
	}
	collectLessOften()

	// What providerserver.Serve does, with the framework's server wrapped.
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve(provider.Address, serverFactory(version), opts...); err != nil {
		log.Fatal(err.Error())
	}
}

// gcPercent is the provider's GOGC. Its live heap is a few MiB, and nearly
// all that an RPC allocates dies with the RPC: at Go's default of 100 the
// collector runs every few MiB, and in a refresh it executed about 40% of the
// provider's instructions (BenchmarkKeyRPC under callgrind: 5.4 million
// instructions per key's plan at 100, 3.4 million at 400). At 400 it runs
// about a quarter as often, for about 12 MiB more at peak.
const gcPercent = 400

// collectLessOften sets gcPercent, unless the user set GOGC.
func collectLessOften() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
}

// serverFactory wraps the framework's server so that the contexts of
// finished RPCs do not pile up in memory (see internal/ctxrelease).
func serverFactory(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return ctxrelease.NewProtocol6(provider.New(version)())()
	}
}
