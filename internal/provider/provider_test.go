package provider

import (
	"strings"
	"testing"
)

func TestUserAgent(t *testing.T) {
	t.Parallel()
	got := userAgent("1.2.3", "1.11.4")
	want := "terraform-provider-domaintrust/1.2.3 (+https://www.terraform.io) Terraform/1.11.4"
	if got != want {
		t.Fatalf("userAgent = %q, want %q", got, want)
	}
	if got := userAgent("1.2.3", ""); strings.Contains(got, "Terraform/") {
		t.Fatalf("userAgent without Terraform version = %q", got)
	}
}
