# No API at all: mock_provider (Terraform 1.7 and later) stands in for the
# provider, which is never configured, so no credentials are needed. The
# provider's schema still comes from the installed provider. Mocked values
# prove the configuration's own logic, not the provider's behaviour.

mock_provider "domaintrust" {
  mock_resource "domaintrust_api_key" {
    defaults = {
      id         = "00000000-0000-4000-8000-000000000000"
      created    = "2030-01-01T00:00:00Z"
      expiration = "2030-03-31T00:00:00Z"
    }
  }
}

variables {
  service = "mocked"
}

run "one_testing_key_by_default" {
  command = plan

  assert {
    condition     = keys(domaintrust_api_key.this) == ["testing"]
    error_message = "By default, only a testing key is planned."
  }

  assert {
    condition     = domaintrust_api_key.this["testing"].description == "mocked (testing)"
    error_message = "The description does not name the service and environment."
  }
}

run "rejects_an_unknown_environment" {
  command = plan

  variables {
    environments = ["staging"]
  }

  expect_failures = [var.environments]
}

run "outputs_hold_every_key" {
  variables {
    environments = ["testing", "production"]
  }

  assert {
    condition     = output.key_ids == { testing = "00000000-0000-4000-8000-000000000000", production = "00000000-0000-4000-8000-000000000000" }
    error_message = "key_ids does not hold one id per environment."
  }
}
