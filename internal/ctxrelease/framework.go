package ctxrelease

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewProtocol6 is providerserver.NewProtocol6 with the framework's server
// wrapped in a Server: a factory for tf6server.Serve, or for a test harness
// that serves the provider itself.
func NewProtocol6(p provider.Provider) func() tfprotov6.ProviderServer {
	framework := providerserver.NewProtocol6(p)
	return func() tfprotov6.ProviderServer {
		return Wrap(frameworkServer(framework()))
	}
}

// NewProtocol6WithError is providerserver.NewProtocol6WithError with the
// framework's server wrapped in a Server, for terraform-plugin-testing's
// ProtoV6ProviderFactories.
func NewProtocol6WithError(p provider.Provider) func() (tfprotov6.ProviderServer, error) {
	factory := NewProtocol6(p)
	return func() (tfprotov6.ProviderServer, error) {
		return factory(), nil
	}
}

// frameworkServer asserts what the framework's server implements. It has
// implemented every optional interface since list resources, actions and
// state stores were added, so a failure here means a framework upgrade
// changed that and this package must follow.
func frameworkServer(s tfprotov6.ProviderServer) Inner {
	inner, ok := s.(Inner)
	if !ok {
		panic(fmt.Sprintf("ctxrelease: the framework's server %T no longer implements every optional RPC interface", s))
	}
	return inner
}
