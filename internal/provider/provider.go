// Package provider implements the Domain Trust Terraform provider.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/clock"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/keys"
	"github.com/domaintrust/terraform-provider-domaintrust/internal/validators"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/domaintrust/domaintrust"

var (
	_ provider.Provider                       = (*domainTrustProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*domainTrustProvider)(nil)
	_ provider.ProviderWithListResources      = (*domainTrustProvider)(nil)
	_ provider.ProviderWithActions            = (*domainTrustProvider)(nil)
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

// WithKeyListing changes when domaintrust_api_key's reads are served from a
// listing (keys.ListPolicy): from the threshold-th read of one owner's keys
// on (0: never), in pages of pageSize; tests use it to reach the listing
// with few keys.
func WithKeyListing(threshold, pageSize int) Option {
	return func(p *domainTrustProvider) {
		p.keyListing = keys.ListPolicy{Threshold: threshold, PageSize: pageSize, MaxHeld: keys.DefaultListMaxHeld}
	}
}

type domainTrustProvider struct {
	version      string
	clock        clock.Clock
	adjustClient func(*client.Config)
	keyListing   keys.ListPolicy
}

type providerModel struct {
	APIKey                    types.String `tfsdk:"api_key"`
	Endpoint                  types.String `tfsdk:"endpoint"`
	MaxRetries                types.Int64  `tfsdk:"max_retries"`
	RequestTimeout            types.String `tfsdk:"request_timeout"`
	SkipCredentialsValidation types.Bool   `tfsdk:"skip_credentials_validation"`
}

// New returns the factory Terraform's plugin server calls for each provider
// instance.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		p := &domainTrustProvider{version: version, clock: clock.System{}, keyListing: keys.DefaultListPolicy}
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
					"` environment variable, then to `" + client.DefaultEndpoint + "`. Must be an absolute `https` URL; " +
					"plain `http` is accepted only for loopback hosts, such as the local emulator.",
				Optional:   true,
				Validators: []validator.String{validators.Endpoint()},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a failed request is retried (connection errors, "+
					"rate limiting, 502/503/504), with exponential backoff from %s up to %s between attempts (a "+
					"`Retry-After` the API sends is honoured up to that cap). `0` sends every request exactly once. "+
					"Defaults to `%d`. \"Retries and how long a failing API can take\", above, gives the worst case "+
					"for an API that is down.", client.DefaultRetryWaitMin, client.DefaultRetryWaitMax,
					client.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit for one HTTP request attempt, as a Go duration such as `30s` or `2m`. " +
					"Defaults to `" + client.DefaultRequestTimeout.String() + "`.",
				Optional:   true,
				Validators: []validator.String{validators.Duration(0)},
			},
			"skip_credentials_validation": schema.BoolAttribute{
				MarkdownDescription: "Skip the check that the endpoint is the Domain Trust API and accepts `api_key` " +
					"(one `GET /user` when the provider is configured for a plan or apply), so that a plan that " +
					"reads nothing needs no API at all. Falls back to the `" + envSkipCredentials + "` environment " +
					"variable; defaults to `false`. Without the check, a wrong key or endpoint shows up only at the " +
					"first request that needs the API.",
				Optional: true,
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
	if cfg.APIKey.IsUnknown() || cfg.Endpoint.IsUnknown() || cfg.MaxRetries.IsUnknown() ||
		cfg.RequestTimeout.IsUnknown() || cfg.SkipCredentialsValidation.IsUnknown() {
		tflog.Debug(ctx, "provider configuration has unknown values; deferring client set-up")
		p.handOut(resp, unconfiguredData(p.clock, req.TerraformVersion))
		return
	}
	conf, skipCheck := p.clientConfig(cfg, req.TerraformVersion, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	c, err := client.New(conf)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid Domain Trust endpoint", err.Error())
		return
	}
	data := newProviderData(c, p.clock, conf.Endpoint, p.keyListing).withKeyClients(conf)
	// One request per provider process, so that a wrong key or endpoint fails
	// the plan rather than the apply.
	if !skipCheck {
		if problem := data.checkEndpoint(ctx); problem != nil {
			resp.Diagnostics.Append(problem.diagnostics("Could not verify the Domain Trust credentials", "")...)
			return
		}
	}
	p.handOut(resp, data)
}

func (p *domainTrustProvider) handOut(resp *provider.ConfigureResponse, data *providerData) {
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

// clientConfig resolves the provider block, the environment and the
// client's defaults into the client's configuration, and says whether the
// credentials check is switched off.
func (p *domainTrustProvider) clientConfig(cfg providerModel, terraformVersion string, diags *diag.Diagnostics) (client.Config, bool) {
	conf := client.DefaultConfig()
	conf.UserAgent = userAgent(p.version, terraformVersion)
	conf.Clock = p.clock
	conf.APIKey = firstNonEmpty(cfg.APIKey.ValueString(), os.Getenv(envAPIKey))
	if conf.APIKey == "" {
		diags.AddAttributeError(path.Root("api_key"), "Missing Domain Trust API key",
			"The provider needs an API key to talk to Domain Trust. Set `api_key` in the provider block, "+
				"or set the "+envAPIKey+" environment variable.")
	}
	conf.Endpoint = firstNonEmpty(cfg.Endpoint.ValueString(), os.Getenv(envEndpoint), client.DefaultEndpoint)
	if cfg.Endpoint.ValueString() == "" {
		// The attribute validator has checked a configured endpoint; one from the
		// environment gets the same check here.
		if _, err := client.ParseEndpoint(conf.Endpoint); err != nil {
			diags.AddAttributeError(path.Root("endpoint"), "Invalid Domain Trust endpoint",
				fmt.Sprintf("The %s environment variable holds %q: %s.", envEndpoint, conf.Endpoint, err))
		}
	}
	if !cfg.MaxRetries.IsNull() {
		conf.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	if d, ok := validators.ParseDuration(cfg.RequestTimeout.ValueString()); ok {
		conf.RequestTimeout = d
	}
	if p.adjustClient != nil {
		p.adjustClient(&conf)
	}
	skip := cfg.SkipCredentialsValidation.ValueBool()
	if cfg.SkipCredentialsValidation.IsNull() {
		if raw := os.Getenv(envSkipCredentials); raw != "" {
			var err error
			if skip, err = strconv.ParseBool(raw); err != nil {
				diags.AddAttributeError(path.Root("skip_credentials_validation"), "Invalid "+envSkipCredentials,
					fmt.Sprintf("The %s environment variable holds %q; set it to true or false.", envSkipCredentials, raw))
			}
		}
	}
	return conf, skip
}

func (p *domainTrustProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &apiKeyResource{} },
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
		func() ephemeral.EphemeralResource { return &unsealedAPIKeyEphemeralResource{} },
	}
}

func (p *domainTrustProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		func() list.ListResource { return &apiKeyListResource{} },
	}
}

func (p *domainTrustProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		func() action.Action { return &revokeAPIKeyAction{} },
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
