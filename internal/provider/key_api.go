package provider

import (
	"context"
	"time"

	"github.com/domaintrust/terraform-provider-domaintrust/internal/client"
)

// keyAPI is what resources and data sources need from the Domain Trust API.
type keyAPI interface {
	CreateKey(ctx context.Context, in client.CreateKeyInput) (*client.Key, error)
	GetKey(ctx context.Context, id string) (*client.Key, error)
	ListKeys(ctx context.Context, in client.ListKeysInput) ([]client.Key, error)
	ListKeysPage(ctx context.Context, in client.ListKeysInput, pageToken string) (*client.KeyPage, error)
	UpdateKey(ctx context.Context, id string, in client.UpdateKeyInput) (*client.Key, error)
	DeleteKey(ctx context.Context, id string) error
	// ServerTimeOffset is the server's clock minus ours, from the latest
	// answer's Date header; reconciling a lost create needs it.
	ServerTimeOffset() (time.Duration, bool)
	userAPI
}
