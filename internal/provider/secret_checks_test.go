// Checks that a secret appears nowhere it should not: in a resource's state
// or in what Terraform printed. Their failures never quote the secret.

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// noAttributeHolds is a state check: no attribute of addr holds secret, in
// whole or as part of a value.
func noAttributeHolds(addr, secret string) statecheck.StateCheck {
	return noSecretInState{addr: addr, secret: secret}
}

type noSecretInState struct{ addr, secret string }

func (c noSecretInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("%s: no state", c.addr)
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != c.addr {
			continue
		}
		b, err := json.Marshal(r.AttributeValues)
		if err != nil {
			resp.Error = err
			return
		}
		if strings.Contains(string(b), c.secret) {
			resp.Error = fmt.Errorf("%s holds a secret in its state (value withheld)", c.addr)
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in state", c.addr)
}
