// Package ctxrelease works around unbounded memory growth in
// terraform-plugin-framework's protocol 6 server: it wraps the framework's
// tfprotov6.ProviderServer so that the contexts of finished RPCs can be
// garbage-collected.
//
// # The problem (terraform-plugin-framework v1.19.0)
//
// Every RPC handler of internal/proto6server starts with
//
//	ctx = s.registerContext(ctx)
//
// which calls context.WithCancel and appends the cancel function to
// Server.contextCancels, so that StopProvider can cancel every request in
// flight. Nothing ever removes an entry except StopProvider, and Terraform
// sends StopProvider only on an interrupt (Ctrl-C). A cancel function holds
// its context, and a context holds its parent: through the list, the server
// keeps every request's whole context chain (gRPC stream context and
// metadata, the SDK's loggers and their fields, the values the provider
// added) for the life of the process. Memory therefore grows with the number
// of RPCs: a plan that refreshes 1,000 resources sends about 2,000 and peaked
// at 166.6 MiB RSS, against about 30 MiB without the retention. The
// protocol 5 server (internal/proto5server) has the same code.
//
// A fix in the framework is small: registerContext returns a function that
// removes its own entry (or the handler defers the removal, e.g. by keeping
// the cancel functions in a map keyed by a counter), so that the list holds
// exactly the RPCs in flight.
//
// # The workaround
//
// The framework offers one way to empty the list: its own StopProvider,
// which cancels every registered context and forgets them all. That is
// harmless when no RPC is running, because every registered context then
// belongs to a finished RPC (and gRPC has already cancelled it). Server counts
// the RPCs in flight and calls the framework's StopProvider whenever the
// count drops to zero, holding the lock that starting an RPC takes, so that no
// RPC can register a context in between and be cancelled by mistake. A
// StopProvider from Terraform is passed straight through and still cancels
// everything that is running. Streaming RPCs (ListResource, InvokeAction,
// ReadStateBytes) count as running until Terraform has consumed their stream,
// since the framework's iterators use the request's context.
//
// The release happens only at moments when nothing is in flight. Terraform
// calls the provider with gaps between operations, but against a slow API
// (requests overlapping at -parallelism=10) such moments can be seconds
// apart. So the framework does not get the RPC's context itself but a thin
// one that forwards to it until the RPC is over and then lets go of it
// (Deadline, Done, Err and Value all forward, so the framework's child
// context still hangs off the RPC's directly, with no goroutine). Until the
// next release, a finished RPC then costs the framework's entry and that
// thin context, a few hundred bytes, instead of its whole context chain.
//
// Nothing else may keep a context of one RPC for use in a later one (a client
// or logger built from ConfigureProvider's context, say): gRPC cancels a
// request's context when the RPC returns anyway, the context the framework
// was given carries no values once its RPC is over, and a kept context would
// keep its whole chain in memory just as the framework's list does.
//
// Every RPC of tfprotov6.ProviderServer and of the optional list resource,
// action and state store interfaces goes through Server. It does not embed
// the interface, so a new RPC in terraform-plugin-go fails to compile here
// instead of silently bypassing the count, and a test compares Server's
// methods with the framework server's.
//
// # Removing the workaround
//
// Once the framework releases a request's context when the request ends,
// replace NewProtocol6 and NewProtocol6WithError with providerserver's
// functions of the same names, serve main.go with providerserver.Serve
// again, and delete this package. TestFrameworkRetainsFinishedContexts fails
// on the framework version that no longer needs the wrapper.
package ctxrelease
