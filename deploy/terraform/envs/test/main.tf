# Test environment: one EKS cluster on AWS with Argo CD, which syncs deploy/k8s/overlays/test of
# the config repository by itself.

locals {
  environment = "test"
  tags = {
    application = "millwright"
    environment = local.environment
    owner       = var.owner
    managed-by  = "terraform"
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

module "cluster" {
  source = "../../modules/eks"

  name                = var.cluster_name
  api_allowed_cidrs   = var.api_allowed_cidrs
  node_instance_types = ["m6i.large"]
  node_min_size       = 2
  node_max_size       = 4
  single_nat_gateway  = true
  tags                = local.tags
}

provider "kubernetes" {
  host                   = module.cluster.cluster_endpoint
  cluster_ca_certificate = base64decode(module.cluster.cluster_ca_certificate)

  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.cluster.cluster_name, "--region", var.region]
  }
}

provider "helm" {
  kubernetes {
    host                   = module.cluster.cluster_endpoint
    cluster_ca_certificate = base64decode(module.cluster.cluster_ca_certificate)

    exec {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.cluster.cluster_name, "--region", var.region]
    }
  }
}

module "argocd" {
  source = "../../modules/argocd"

  cluster_name = var.cluster_name
  environment  = local.environment
  labels       = { "millwright.io/env" = local.environment }
}
