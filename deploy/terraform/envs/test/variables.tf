variable "region" {
  type        = string
  description = "AWS region of the test cluster."
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region such as eu-west-1."
  }
}

variable "cluster_name" {
  type        = string
  description = "Name of the EKS cluster."
  default     = "millwright-test"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,38}$", var.cluster_name))
    error_message = "cluster_name must be 3-39 lower-case letters, digits and hyphens."
  }
}

variable "api_allowed_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to reach the Kubernetes API (the office and the CI runners' egress)."

  validation {
    condition     = length(var.api_allowed_cidrs) > 0 && !contains(var.api_allowed_cidrs, "0.0.0.0/0")
    error_message = "api_allowed_cidrs must list specific networks, not 0.0.0.0/0."
  }
}

variable "owner" {
  type        = string
  description = "Team or person accountable for the resources (the owner tag)."
  default     = "mlops"

  validation {
    condition     = length(var.owner) > 0
    error_message = "owner must not be empty."
  }
}
