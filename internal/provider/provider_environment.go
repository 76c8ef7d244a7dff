package provider

// The environment variables the provider reads, in place of its attributes;
// messages name them, so users know where to look.
const (
	envAPIKey          = "DOMAINTRUST_API_KEY"
	envEndpoint        = "DOMAINTRUST_ENDPOINT"
	envSkipCredentials = "DOMAINTRUST_SKIP_CREDENTIALS_VALIDATION"
)
