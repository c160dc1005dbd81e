variable "cluster_name" {
  type        = string
  description = "Name this cluster is registered under in Argo CD (the ApplicationSet's {{ .name }})."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,62}$", var.cluster_name))
    error_message = "cluster_name must be lower-case letters, digits and hyphens."
  }
}

variable "environment" {
  type        = string
  description = "Millwright environment this cluster runs: picks the overlay deploy/k8s/overlays/<environment>."

  validation {
    condition     = contains(["test", "prod"], var.environment)
    error_message = "environment must be test or prod."
  }
}

variable "namespace" {
  type        = string
  description = "Namespace Argo CD is installed into."
  default     = "argocd"
}

variable "chart_version" {
  type        = string
  description = "Exact version of the argo-cd Helm chart (argoproj/argo-helm); pinned, bumped on purpose."
  default     = "7.8.26"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.chart_version))
    error_message = "chart_version must be an exact X.Y.Z version, not a range."
  }
}

variable "config_repo_url" {
  type        = string
  description = "HTTPS URL of the GitOps config repository Argo CD reads."
  default     = "https://github.com/millwright-mlops/millwright-config.git"

  validation {
    condition     = can(regex("^https://", var.config_repo_url))
    error_message = "config_repo_url must be an https:// URL."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels added to the Kubernetes objects this module creates."
  default     = {}
}
