terraform {
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    helm = {
      source = "hashicorp/helm"
      # 2.x: the provider's "kubernetes" connection is a block (3.x made it an attribute).
      version = "~> 2.17"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.36"
    }
  }
}
