variable "environments" {
  description = "Domain Trust environments to create a key in. Production keys need an account with production access."
  type        = list(string)
  default     = ["testing", "production"]
}

variable "description" {
  description = "What the keys are for; the environment is appended."
  type        = string
  default     = "quickstart"
}

variable "expiration" {
  description = "When the keys stop working, as an RFC 3339 time. Must lie in the future."
  type        = string
  default     = "2030-01-01T00:00:00Z"
}
