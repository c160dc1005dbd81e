# Argo CD, installed by Helm, plus the registration of this very cluster with the labels the
# Millwright ApplicationSet selects on (deploy/argocd/applicationset.yaml): a cluster labelled
# millwright.io/enabled=true gets the overlay named by its millwright.io/env label.

locals {
  labels = merge(var.labels, {
    "app.kubernetes.io/managed-by" = "terraform"
    "app.kubernetes.io/part-of"    = "millwright"
  })
}

resource "kubernetes_namespace" "argocd" {
  metadata {
    name   = var.namespace
    labels = local.labels
  }
}

resource "helm_release" "argocd" {
  name       = "argocd"
  repository = "https://argoproj.github.io/argo-helm"
  chart      = "argo-cd"
  version    = var.chart_version
  namespace  = kubernetes_namespace.argocd.metadata[0].name

  atomic          = true
  cleanup_on_fail = true
  timeout         = 600

  values = [yamlencode({
    global = {
      addPrometheusAnnotations = true
    }
    configs = {
      params = {
        # TLS ends at the ingress or port-forward; the server itself speaks plain HTTP inside the cluster.
        "server.insecure" = true
      }
      repositories = {
        millwright-config = {
          url  = var.config_repo_url
          type = "git"
        }
      }
    }
    controller = {
      metrics = { enabled = true }
    }
    server = {
      metrics = { enabled = true }
    }
  })]
}

# Argo CD's own cluster is implicit ("in-cluster") and carries no labels; a declarative cluster
# secret for https://kubernetes.default.svc is how labels are put on it.
resource "kubernetes_secret" "in_cluster" {
  metadata {
    name      = "cluster-${var.cluster_name}"
    namespace = kubernetes_namespace.argocd.metadata[0].name
    labels = merge(local.labels, {
      "argocd.argoproj.io/secret-type" = "cluster"
      "millwright.io/enabled"          = "true"
      "millwright.io/env"              = var.environment
    })
  }

  data = {
    name   = var.cluster_name
    server = "https://kubernetes.default.svc"
    config = jsonencode({ tlsClientConfig = { insecure = false } })
  }

  depends_on = [helm_release.argocd]
}
