# A helper module for tests/emulator.tftest.hcl: compares the key ids of two
# runs. It creates nothing.

variable "before" {
  description = "Key id per environment after the earlier run."
  type        = map(string)
}

variable "after" {
  description = "Key id per environment after the later run."
  type        = map(string)
}

output "unchanged" {
  description = "Whether every key kept its id."
  value       = var.before == var.after
}
