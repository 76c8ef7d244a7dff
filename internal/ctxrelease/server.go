package ctxrelease

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Inner is what Server wraps: the framework's protocol 6 server, with the
// optional interfaces that terraform-plugin-go's gRPC server looks for by type
// assertion. Wrapping only tfprotov6.ProviderServer would turn list
// resources, actions and state stores into "not implemented".
type Inner interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// Server must forward every RPC itself: see the package documentation.
var _ Inner = (*Server)(nil)

// Server forwards every RPC to the framework's server and, whenever no RPC is
// left running, has the framework forget the contexts it registered.
type Server struct {
	inner Inner
	over  *contextHolder // what detached contexts become

	// mu is held while an RPC is counted in and during a release, so that
	// no RPC starts while the framework is cancelling what it holds.
	mu      sync.Mutex
	running int
}

// Wrap returns a Server that forwards to inner, which must be the
// framework's server: Server calls inner's StopProvider whenever nothing is
// running, which only the framework's implementation makes harmless.
func Wrap(inner Inner) *Server {
	return &Server{inner: inner, over: overContext()}
}

// StopProvider is Terraform's interrupt: it is not counted as an RPC, and
// the framework cancels every request in flight, as without the wrapper.
func (s *Server) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return s.inner.StopProvider(ctx, req)
}

// begin counts an RPC in and returns the context to hand the framework.
func (s *Server) begin(ctx context.Context) *detachable {
	s.mu.Lock()
	s.running++
	s.mu.Unlock()
	return newDetachable(ctx, s.over)
}

// end counts an RPC out once the framework is done with it. The last one out
// releases the framework's contexts before any other RPC can begin: each
// context the framework holds then belongs to an RPC that has returned.
func (s *Server) end(ctx context.Context, d *detachable) {
	d.detach()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	if s.running > 0 {
		return
	}
	// The framework's StopProvider cannot fail; it returns no diagnostics.
	_, _ = s.inner.StopProvider(ctx, &tfprotov6.StopProviderRequest{})
}

// call forwards one unary RPC, counted as running until inner returns (or
// panics).
func call[Req, Resp any](s *Server, ctx context.Context, req *Req, rpc func(context.Context, *Req) (*Resp, error)) (*Resp, error) {
	d := s.begin(ctx)
	defer s.end(ctx, d)
	return rpc(d, req) //nolint:contextcheck // d is ctx until the RPC is over (detach.go)
}
