package keys

import (
	"context"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// API is what the key service needs from the Domain Trust API; *client.Client
// is one.
type API interface {
	CreateKey(ctx context.Context, in client.CreateKeyInput) (*client.Key, error)
	GetKey(ctx context.Context, id string) (*client.Key, error)
	ListKeys(ctx context.Context, in client.ListKeysInput) ([]client.Key, error)
	ListKeysPage(ctx context.Context, in client.ListKeysInput, pageToken string) (*client.KeyPage, error)
	UpdateKey(ctx context.Context, id string, in client.UpdateKeyInput) (*client.Key, error)
	DeleteKey(ctx context.Context, id string) error
	// ServerTimeOffset is the server's clock minus ours, from the latest
	// answer's Date header; reconciling a lost create needs it.
	ServerTimeOffset() (time.Duration, bool)
	UserAPI
}
