output "namespace" {
  description = "Namespace Argo CD runs in."
  value       = kubernetes_namespace.argocd.metadata[0].name
}

output "chart_version" {
  description = "Installed argo-cd chart version."
  value       = helm_release.argocd.version
}

output "cluster_labels" {
  description = "Labels of this cluster's Argo CD registration (what the ApplicationSet matches)."
  value       = kubernetes_secret.in_cluster.metadata[0].labels
}
