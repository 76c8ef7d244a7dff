package ctxrelease

import (
	"context"
	"iter"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The RPCs that answer with a stream. The framework returns an iterator that
// still uses the request's context, and terraform-plugin-go ranges over it
// after the method has returned, so the RPC counts as running until the
// iteration is over. terraform-plugin-go always ranges over a stream it got
// without error; one that were never consumed would hold off every later
// release, never cancel anything.

func (s *Server) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return stream(s, ctx, req, s.inner.ListResource,
		func(r *tfprotov6.ListResourceServerStream) *iter.Seq[tfprotov6.ListResourceResult] { return &r.Results })
}

func (s *Server) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	return stream(s, ctx, req, s.inner.InvokeAction,
		func(r *tfprotov6.InvokeActionServerStream) *iter.Seq[tfprotov6.InvokeActionEvent] { return &r.Events })
}

func (s *Server) ReadStateBytes(ctx context.Context, req *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	return stream(s, ctx, req, s.inner.ReadStateBytes,
		func(r *tfprotov6.ReadStateBytesStream) *iter.Seq[tfprotov6.ReadStateByteChunk] { return &r.Chunks })
}

// stream forwards a streaming RPC and replaces the answer's iterator (found
// by field) with one that counts the RPC out when it finishes.
func stream[Req, Resp, T any](s *Server, ctx context.Context, req *Req,
	rpc func(context.Context, *Req) (*Resp, error), field func(*Resp) *iter.Seq[T],
) (*Resp, error) {
	d := s.begin(ctx)
	handedOver := false
	defer func() {
		if !handedOver {
			s.end(ctx, d)
		}
	}()
	resp, err := rpc(d, req) //nolint:contextcheck // d is ctx until the RPC is over (detach.go)
	if err != nil || resp == nil || *field(resp) == nil {
		return resp, err
	}
	results := field(resp)
	inner := *results
	var once sync.Once
	*results = func(yield func(T) bool) {
		defer once.Do(func() { s.end(ctx, d) })
		inner(yield)
	}
	handedOver = true
	return resp, nil
}
