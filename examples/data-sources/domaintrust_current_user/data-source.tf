# The user the provider's API key belongs to (GET /user): who is applying,
# in which organization, with which role. Nothing secret is read.
data "domaintrust_current_user" "me" {}

# Only admins may create keys for other users (and, under some readings of
# the API, create keys at all): fail the plan early, with a clear message,
# when the provider's key belongs to anyone else.
resource "domaintrust_api_key" "deploy_bot" {
  environment = "testing"
  description = "deploy bot, created by ${data.domaintrust_current_user.me.email}"
  expiration  = "2027-06-30T00:00:00Z"
  user_id     = "6f1c2b9a-3d4e-4f50-8a7b-9c0d1e2f3a4b"

  lifecycle {
    precondition {
      condition     = data.domaintrust_current_user.me.role == "admin"
      error_message = "Creating keys for other users needs the admin role; ${data.domaintrust_current_user.me.email} is a ${data.domaintrust_current_user.me.role}."
    }
  }
}

output "applied_by" {
  value = "${data.domaintrust_current_user.me.first_name} ${data.domaintrust_current_user.me.last_name} <${data.domaintrust_current_user.me.email}>, ${data.domaintrust_current_user.me.role} of organization ${data.domaintrust_current_user.me.organization_id}"
}
