package keys

import "github.com/domaintrust/terraform-provider-domaintrust/internal/client"

// Failure is an API call's error as Service.Judge weighed it: whether it
// proves what was asked for gone, and for a 404 that does not, why. A caller
// that may drop a key takes both answers from one Failure, so that a key
// kept in state is explained by the very proof that kept it: asking again
// could find the endpoint proven meanwhile, and leave nothing to say but
// "404".
type Failure struct {
	Err      error
	NotFound *client.Error // Err's 404, if it is one
	Proof    *ProofFailure // for a 404: why the endpoint is not proven (nil: proven)
}

// Gone reports whether the failure proves what was asked for gone: a 404
// problem document from a proven endpoint.
func (f Failure) Gone() bool {
	return f.NotFound != nil && f.NotFound.Body == client.BodyProblem && f.Proof == nil
}
