# Production: one regional GKE cluster on Google Cloud with Argo CD. Its Application syncs
# deploy/k8s/overlays/prod of the config repository only when someone presses sync.

locals {
  environment = "prod"
  labels = {
    application = "millwright"
    environment = local.environment
    owner       = var.owner
    managed-by  = "terraform"
  }
}

provider "google" {
  project        = var.project_id
  region         = var.region
  default_labels = local.labels
}

data "google_client_config" "current" {}

module "cluster" {
  source = "../../modules/gke"

  project_id          = var.project_id
  name                = var.cluster_name
  region              = var.region
  api_allowed_cidrs   = var.api_allowed_cidrs
  machine_type        = "e2-standard-4"
  node_min_count      = 1
  node_max_count      = 4
  deletion_protection = true
  labels              = local.labels
}

provider "kubernetes" {
  host                   = module.cluster.cluster_endpoint
  cluster_ca_certificate = base64decode(module.cluster.cluster_ca_certificate)
  token                  = data.google_client_config.current.access_token
}

provider "helm" {
  kubernetes {
    host                   = module.cluster.cluster_endpoint
    cluster_ca_certificate = base64decode(module.cluster.cluster_ca_certificate)
    token                  = data.google_client_config.current.access_token
  }
}

module "argocd" {
  source = "../../modules/argocd"

  cluster_name = var.cluster_name
  environment  = local.environment
  labels       = { "millwright.io/env" = local.environment }
}
