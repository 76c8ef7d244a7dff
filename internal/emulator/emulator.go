// Package emulator is a local, in-memory (optionally persisted) emulator of the
// Domain Trust API's key management, faithful to the contract in CONTRACT.md
// (this folder) including its assumptions, with fault injection for
// reliability tests, and a dashboard page for people (dashboard.go). It shares
// no code with internal/client on purpose.
package emulator

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// Options configures an Emulator. The zero value is a working in-memory emulator.
type Options struct {
	Clock            clock.Clock   // nil = the wall clock; tests share a clock.Mock with the provider
	StatePath        string        // "" = memory only; else load at New (missing file = fresh), atomic write after every change
	FaultRate        float64       // share of API requests refused with 503 + Retry-After: 1 before anything changes
	LostResponseRate float64       // share of POST/PATCH/DELETE carried out whose answer is then replaced by a 502 problem
	Latency          time.Duration // added to every API request
	Seed             int64         // fault randomness; 0 = random
	Logger           *slog.Logger  // nil = discard
	MaxBodyBytes     int64         // default 1 MiB, applied to compressed AND decompressed body; over -> 413 problem
	// Variants are the other readings of the API to emulate (variants.go);
	// none is the default reading CONTRACT.md describes.
	Variants []Variant
	// BootstrapRole is the role Bootstrap gives its user; "" = admin.
	BootstrapRole Role
}

// Emulator serves the Domain Trust API under /api, its own statistics under
// /_emulator/stats and a dashboard for people under /dashboard/. It is safe for
// concurrent use.
type Emulator struct {
	clock     clock.Clock
	log       *slog.Logger
	maxBody   int64
	statePath string
	faults    *faults
	stats     *statsRecorder
	dashboard *dashboard
	variants  variantSet
	bootRole  Role

	mu sync.RWMutex
	st *store

	// testHookBeforeHandler, when set before serving, runs right before a route's
	// handler; tests use it to make a handler panic.
	testHookBeforeHandler func(route string)
}

// New returns an emulator. With a StatePath it loads that file; a file that cannot be
// read or parsed is an error naming it, and the file is not touched.
func New(opts Options) (*Emulator, error) {
	for name, rate := range map[string]float64{"FaultRate": opts.FaultRate, "LostResponseRate": opts.LostResponseRate} {
		if math.IsNaN(rate) || rate < 0 || rate > 1 {
			return nil, fmt.Errorf("emulator: %s must be between 0 and 1, got %v", name, rate)
		}
	}
	if opts.Latency < 0 {
		return nil, fmt.Errorf("emulator: Latency must not be negative, got %v", opts.Latency)
	}
	if opts.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("emulator: MaxBodyBytes must not be negative, got %d", opts.MaxBodyBytes)
	}
	variants, err := newVariantSet(opts.Variants)
	if err != nil {
		return nil, err
	}
	bootRole := cmp.Or(opts.BootstrapRole, RoleAdmin)
	if !bootRole.valid() {
		return nil, fmt.Errorf("emulator: invalid BootstrapRole %q: valid roles are %s, %s and %s", opts.BootstrapRole, RoleAdmin, RoleMember, RoleTrial)
	}
	e := &Emulator{
		log:       opts.Logger,
		maxBody:   opts.MaxBodyBytes,
		statePath: opts.StatePath,
		faults:    newFaults(opts.Seed, opts.FaultRate, opts.LostResponseRate, opts.Latency),
		stats:     newStatsRecorder(),
		st:        newStore(),
		variants:  variants,
		bootRole:  bootRole,
	}
	e.dashboard = newDashboard(e)
	e.clock = opts.Clock
	if e.clock == nil {
		e.clock = clock.System{}
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.maxBody == 0 {
		e.maxBody = DefaultMaxBodyBytes
	}
	if opts.StatePath != "" {
		st, err := loadState(opts.StatePath)
		if err != nil {
			return nil, err
		}
		e.st = st
	}
	return e, nil
}

// apiRequest is what a handler gets: the HTTP request, the authenticated caller
// (for routes that need one), the decoded body (for routes that take one) and the
// {id} path parameter.
type apiRequest struct {
	http   *http.Request
	caller caller
	body   object
	id     string
}

type route struct {
	// name is the method and the path relative to /api, as the statistics
	// name the route; "{id}" in the path matches one segment.
	name         string
	method, path string // split from name
	auth, body   bool
	mutating     bool
	handle       func(*Emulator, *apiRequest) response
}

// Routes as Stats names them: the method and the path relative to /api.
const (
	RouteGetVersion = "GET /version"
	RouteGetUser    = "GET /user"
	RouteLogin      = "POST /auth/login"
	RouteCreateKey  = "POST /keys"
	RouteListKeys   = "GET /keys"
	RouteGetKey     = "GET /keys/{id}"
	RouteUpdateKey  = "PATCH /keys/{id}"
	RouteDeleteKey  = "DELETE /keys/{id}"
)

var routes = splitRouteNames([]route{
	{name: RouteGetVersion, auth: true, handle: (*Emulator).getVersion},
	{name: RouteGetUser, auth: true, handle: (*Emulator).getUser},
	{name: RouteLogin, body: true, mutating: true, handle: (*Emulator).login},
	{name: RouteCreateKey, auth: true, body: true, mutating: true, handle: (*Emulator).createKey},
	{name: RouteListKeys, auth: true, handle: (*Emulator).listKeys},
	{name: RouteGetKey, auth: true, handle: (*Emulator).getKey},
	{name: RouteUpdateKey, auth: true, body: true, mutating: true, handle: (*Emulator).updateKey},
	{name: RouteDeleteKey, auth: true, mutating: true, handle: (*Emulator).deleteKey},
})

// splitRouteNames fills in each route's method and path from its name.
func splitRouteNames(rs []route) []route {
	for i := range rs {
		rs[i].method, rs[i].path, _ = strings.Cut(rs[i].name, " ")
	}
	return rs
}

const (
	apiPrefix   = "/api"
	statsPath   = "/_emulator/stats"
	privatePath = "/_emulator/"
)

// matchRoute finds the route for r and its {id}. With no route it returns the
// response to give instead: 404, or 405 with Allow when the path exists under
// another method.
func matchRoute(r *http.Request) (*route, string, response) {
	rest, found := strings.CutPrefix(r.URL.EscapedPath(), apiPrefix)
	if !found || !strings.HasPrefix(rest, "/") {
		return nil, "", problemResponse(http.StatusNotFound, "no such route")
	}
	var allowed []string
	for i := range routes {
		rt := &routes[i]
		id, matched := matchPath(rt.path, rest)
		if !matched {
			continue
		}
		if rt.method == r.Method {
			return rt, id, response{}
		}
		allowed = append(allowed, rt.method)
	}
	if allowed == nil {
		return nil, "", problemResponse(http.StatusNotFound, "no such route")
	}
	return nil, "", problemResponse(http.StatusMethodNotAllowed, r.Method+" is not allowed here").with("Allow", strings.Join(allowed, ", "))
}

// matchPath matches an escaped request path against a route path and returns the
// unescaped {id} segment, which must be non-empty.
func matchPath(pattern, escaped string) (string, bool) {
	prefix, hasParam := strings.CutSuffix(pattern, "{id}")
	if !hasParam {
		return "", escaped == pattern
	}
	seg, found := strings.CutPrefix(escaped, prefix)
	if !found || seg == "" || strings.Contains(seg, "/") {
		return "", false
	}
	id, err := url.PathUnescape(seg)
	return id, err == nil && id != ""
}

// ServeHTTP serves the API under /api, the statistics at /_emulator/stats and
// the dashboard under /dashboard/.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == strings.TrimSuffix(DashboardPath, "/") || strings.HasPrefix(r.URL.Path, DashboardPath):
		e.dashboard.ServeHTTP(w, r)
		return
	case r.URL.Path == statsPath:
		e.render(r, e.serveStats(r)).write(w)
		return
	case strings.HasPrefix(r.URL.Path, privatePath):
		e.render(r, problemResponse(http.StatusNotFound, "no such route")).write(w)
		return
	}
	start := time.Now()
	rt, id, resp := matchRoute(r)
	name := r.Method + " other"
	if rt != nil {
		name = rt.name
	}
	out := e.render(r, e.serve(r, rt, id, resp))
	// Counted before the answer leaves, so a client that reads the statistics right
	// after its answer sees its own request.
	e.stats.record(name, out.status)
	out.write(w)
	e.log.Debug("request", "route", name, "status", out.status, "duration", time.Since(start))
}

// serve runs everything between routing and encoding: latency, fault injection,
// authentication, body decoding, the handler and lost responses. A panic anywhere
// in there becomes a 500 problem so the emulator keeps serving.
func (e *Emulator) serve(r *http.Request, rt *route, id string, unrouted response) (resp response) {
	defer func() {
		if p := recover(); p != nil {
			e.log.Error("handler panicked", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			resp = problemResponse(http.StatusInternalServerError, "internal error")
		}
	}()
	if d := e.faults.delay(); d > 0 {
		if err := sleep(r.Context(), d); err != nil {
			return problemResponse(http.StatusServiceUnavailable, "the request was cancelled")
		}
	}
	if e.faults.injectFault() {
		return problemResponse(http.StatusServiceUnavailable, "injected fault: nothing was changed, try again").with("Retry-After", "1")
	}
	if rt == nil {
		return unrouted
	}
	if refused, ok := e.refusedRoute(rt); ok {
		return refused
	}
	req := &apiRequest{http: r, id: id}
	if rt.auth {
		c, authenticated := e.authenticate(r)
		if !authenticated {
			return unauthorized()
		}
		req.caller = c
	}
	if rt.body {
		if r.ContentLength > e.maxBody {
			return problemResponse(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body exceeds %d bytes", e.maxBody))
		}
		body, p := decodeRequestBody(r.Header.Get("Content-Type"), r.Header.Get("Content-Encoding"), r.Body, e.maxBody)
		if p != nil {
			return *p
		}
		req.body = object{fields: body, loc: "body"}
	}
	if e.testHookBeforeHandler != nil {
		e.testHookBeforeHandler(rt.name)
	}
	resp = rt.handle(e, req)
	if rt.mutating && resp.status < 300 && e.faults.loseResponse() {
		return problemResponse(http.StatusBadGateway, "injected lost response: the request was carried out but its answer was lost")
	}
	return resp
}

// Now returns the emulator's current time, from its clock.
func (e *Emulator) Now() time.Time { return e.clock.Now() }

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func (e *Emulator) serveStats(r *http.Request) response {
	if r.Method != http.MethodGet {
		return problemResponse(http.StatusMethodNotAllowed, r.Method+" is not allowed here").with("Allow", http.MethodGet)
	}
	return answer(http.StatusOK, e.Stats())
}

func (e *Emulator) getVersion(*apiRequest) response {
	return answer(http.StatusOK, versionDoc{Version: apiVersion})
}

// internalError logs a failure of the emulator itself, such as a state file that
// could not be written, and answers 500. The change stays applied in memory.
func (e *Emulator) internalError(err error) response {
	e.log.Error("internal error", "err", err)
	return problemResponse(http.StatusInternalServerError, "internal error")
}
