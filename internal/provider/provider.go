// Package provider implements the Domain Trust Terraform provider.
package provider

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/domaintrust/domaintrust"

const (
	// DefaultEndpoint is the Domain Trust API's public base URL.
	DefaultEndpoint       = "https://domain-trust.globalcyberalliance.org/api"
	envAPIKey             = "DOMAINTRUST_API_KEY"
	envEndpoint           = "DOMAINTRUST_ENDPOINT"
	defaultMaxRetries     = 4
	defaultRequestTimeout = 30 * time.Second
)

var (
	_ provider.Provider                       = (*domainTrustProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*domainTrustProvider)(nil)
)

// Option changes how a provider instance is built; tests use it to inject a
// clock and faster retry waits.
type Option func(*domainTrustProvider)

// WithClock makes the provider read time from c.
func WithClock(c clock.Clock) Option {
	return func(p *domainTrustProvider) { p.clock = c }
}

// WithClientConfig lets tests adjust the API client's configuration after the
// provider has built it from the provider block.
func WithClientConfig(adjust func(*client.Config)) Option {
	return func(p *domainTrustProvider) { p.adjustClient = adjust }
}

type domainTrustProvider struct {
	version      string
	clock        clock.Clock
	adjustClient func(*client.Config)
}

type providerModel struct {
	APIKey         types.String         `tfsdk:"api_key"`
	Endpoint       types.String         `tfsdk:"endpoint"`
	MaxRetries     types.Int64          `tfsdk:"max_retries"`
	RequestTimeout timetypes.GoDuration `tfsdk:"request_timeout"`
}

// New returns the factory Terraform's plugin server calls for each provider
// instance.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		p := &domainTrustProvider{version: version, clock: clock.System{}}
		for _, opt := range opts {
			opt(p)
		}
		return p
	}
}

func (p *domainTrustProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "domaintrust"
	resp.Version = p.version
}

func (p *domainTrustProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages API keys of [Domain Trust](https://domain-trust.docs.globalcyberalliance.org), " +
			"the Global Cyber Alliance's shared domain-abuse data service.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "API key the provider authenticates with. Falls back to the `" + envAPIKey +
					"` environment variable. Creating `production` keys needs an account with production access.",
				Optional:  true,
				Sensitive: true,
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Domain Trust API. Falls back to the `" + envEndpoint +
					"` environment variable, then to `" + DefaultEndpoint + "`. Must be an absolute `https` URL; " +
					"plain `http` is accepted only for loopback hosts, such as the local emulator.",
				Optional:   true,
				Validators: []validator.String{endpointValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a failed request is retried (connection errors, "+
					"rate limiting, 502/503/504), with exponential backoff. Defaults to `%d`.", defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit for one HTTP request attempt, as a Go duration such as `30s` or `2m`. " +
					"Defaults to `30s`.",
				CustomType: timetypes.GoDurationType{},
				Optional:   true,
				Validators: []validator.String{positiveDurationValidator{}},
			},
		},
	}
}

func (p *domainTrustProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A value that comes from another resource is unknown until apply. Leave
	// the provider unconfigured rather than fail: resources planned for
	// creation need no API call during plan.
	if cfg.APIKey.IsUnknown() || cfg.Endpoint.IsUnknown() || cfg.MaxRetries.IsUnknown() || cfg.RequestTimeout.IsUnknown() {
		tflog.Debug(ctx, "provider configuration has unknown values; deferring client set-up")
		return
	}

	apiKey := firstNonEmpty(cfg.APIKey.ValueString(), os.Getenv(envAPIKey))
	if apiKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing Domain Trust API key",
			"The provider needs an API key to talk to Domain Trust. Set `api_key` in the provider block, "+
				"or set the "+envAPIKey+" environment variable.")
	}
	endpoint := firstNonEmpty(cfg.Endpoint.ValueString(), os.Getenv(envEndpoint), DefaultEndpoint)
	if cfg.Endpoint.ValueString() == "" {
		// The attribute validator has checked a configured endpoint; one from the
		// environment gets the same check here.
		if problem := checkEndpoint(endpoint); problem != "" {
			resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid Domain Trust endpoint",
				fmt.Sprintf("The %s environment variable holds %q: %s", envEndpoint, endpoint, problem))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	conf := client.Config{
		Endpoint:       endpoint,
		APIKey:         apiKey,
		UserAgent:      userAgent(p.version, req.TerraformVersion),
		MaxRetries:     defaultMaxRetries,
		RequestTimeout: defaultRequestTimeout,
	}
	if !cfg.MaxRetries.IsNull() {
		conf.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	if !cfg.RequestTimeout.IsNull() {
		d, diags := cfg.RequestTimeout.ValueGoDuration()
		resp.Diagnostics.Append(diags...)
		conf.RequestTimeout = d
	}
	if p.adjustClient != nil {
		p.adjustClient(&conf)
	}
	c, err := client.New(conf)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid Domain Trust endpoint", err.Error())
		return
	}
	data := &providerData{api: c, clock: p.clock, creates: newCreateCoordinator()}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
}

func (p *domainTrustProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &apiKeyResource{clock: p.clock} },
	}
}

func (p *domainTrustProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		func() datasource.DataSource { return &apiKeyDataSource{} },
		func() datasource.DataSource { return &apiKeysDataSource{} },
	}
}

func (p *domainTrustProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		func() ephemeral.EphemeralResource { return &apiKeyEphemeralResource{} },
	}
}

func userAgent(version, terraformVersion string) string {
	ua := "terraform-provider-domaintrust/" + version + " (+https://www.terraform.io)"
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
