{{/*
Names and labels shared by every resource of the chart.
*/}}

{{/* The chart's name, or nameOverride. */}}
{{- define "sammpa.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The resources' name prefix: fullnameOverride, else RELEASE-NAME, or RELEASE alone when it already holds the name.
Kept at 56 characters so "-metrics" and the like still fit in 63.
*/}}
{{- define "sammpa.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 56 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "sammpa.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 56 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 56 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "sammpa.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select every pod of the release (both pools): name and instance. */}}
{{- define "sammpa.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sammpa.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every resource: the selector labels, version, managed-by and the chart. */}}
{{- define "sammpa.labels" -}}
{{ include "sammpa.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sammpa
helm.sh/chart: {{ include "sammpa.chart" . }}
{{- end -}}

{{/*
The labels of one pool (gpu or cpu): call with (dict "root" $ "pool" "gpu").
sammpa.poolSelectorLabels selects the pool's pods (Deployment selector, PodDisruptionBudget);
sammpa.poolLabels labels the pool's Deployment and pods.
*/}}
{{- define "sammpa.poolSelectorLabels" -}}
{{ include "sammpa.selectorLabels" .root }}
app.kubernetes.io/component: {{ .pool }}
{{- end -}}

{{- define "sammpa.poolLabels" -}}
{{ include "sammpa.labels" .root }}
app.kubernetes.io/component: {{ .pool }}
{{- end -}}

{{/* A pool's resource name: RELEASE-sammpa-gpu, RELEASE-sammpa-cpu. */}}
{{- define "sammpa.poolName" -}}
{{- printf "%s-%s" (include "sammpa.fullname" .root) .pool -}}
{{- end -}}

{{- define "sammpa.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "sammpa.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* A pool's image: [imageRegistry/]repository:tag, tag defaulting to the chart's appVersion. */}}
{{- define "sammpa.image" -}}
{{- $values := index .root.Values .pool -}}
{{- $repository := $values.image.repository -}}
{{- with .root.Values.imageRegistry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" .) $repository -}}
{{- end -}}
{{- printf "%s:%s" $repository (default .root.Chart.AppVersion $values.image.tag) -}}
{{- end -}}

{{/* The Secret the connection string is read from, and its key. */}}
{{- define "sammpa.storageSecretName" -}}
{{- if .Values.storage.azure.createSecret -}}
{{- printf "%s-storage" (include "sammpa.fullname" .) -}}
{{- else -}}
{{- .Values.storage.azure.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "sammpa.storageSecretKey" -}}
{{- if .Values.storage.azure.createSecret -}}
connection-string
{{- else -}}
{{- .Values.storage.azure.existingSecretKey -}}
{{- end -}}
{{- end -}}

{{/*
Fails the render, with the value to set, when the values cannot make a working cluster. Included by every
template that depends on them, so lint and template stop on the first mistake.
*/}}
{{- define "sammpa.validate" -}}
{{- $azure := .Values.storage.azure -}}
{{- if eq $azure.auth "connectionString" -}}
{{- if $azure.createSecret -}}
{{- if not $azure.connectionString -}}
{{- fail "storage.azure.createSecret is true but storage.azure.connectionString is empty: set it (--set-string), or use storage.azure.existingSecret" -}}
{{- end -}}
{{- else if not $azure.existingSecret -}}
{{- fail "storage.azure.auth is connectionString but storage.azure.existingSecret is empty: name the Secret that holds the connection string (or set storage.azure.createSecret=true with storage.azure.connectionString)" -}}
{{- end -}}
{{- else if eq $azure.auth "workloadIdentity" -}}
{{- if not $azure.accountName -}}
{{- fail "storage.azure.auth is workloadIdentity but storage.azure.accountName is empty: name the storage account" -}}
{{- end -}}
{{- if and .Values.serviceAccount.create (not .Values.workloadIdentity.clientId) -}}
{{- fail "storage.azure.auth is workloadIdentity but workloadIdentity.clientId is empty: give the client id of the federated identity" -}}
{{- end -}}
{{- else -}}
{{- fail (printf "storage.azure.auth '%s' is not known: use connectionString or workloadIdentity" $azure.auth) -}}
{{- end -}}
{{- if and $azure.connectionString (not $azure.createSecret) -}}
{{- fail "storage.azure.connectionString is set but storage.azure.createSecret is false: the chart never puts a connection string into a Deployment; set createSecret=true, or better, use storage.azure.existingSecret" -}}
{{- end -}}
{{- if ge (int .Values.shutdown.timeoutSeconds) (int .Values.shutdown.terminationGracePeriodSeconds) -}}
{{- fail (printf "shutdown.timeoutSeconds (%v) must be below shutdown.terminationGracePeriodSeconds (%v), or Kubernetes kills a silo before it has left the cluster" .Values.shutdown.timeoutSeconds .Values.shutdown.terminationGracePeriodSeconds) -}}
{{- end -}}
{{- if and .Values.tls.enabled (not .Values.tls.secretName) -}}
{{- fail "tls.enabled is true but tls.secretName is empty: name the Secret that holds the certificate" -}}
{{- end -}}
{{- if and (not .Values.tls.enabled) (not .Values.insecure) -}}
{{- fail "tls.enabled is false: the gateways would accept any client without a certificate; give the silos a certificate (tls.secretName), or set insecure=true to accept that explicitly" -}}
{{- end -}}
{{- if and .Values.tls.enabled (not (and (kindIs "slice" .Values.tls.allowedNames) .Values.tls.allowedNames)) -}}
{{- fail "tls.enabled is true but tls.allowedNames is empty: list the names the silos' and the clients' certificates carry (e.g. sammpa-silo, sammpa-client)" -}}
{{- end -}}
{{- if not (or .Values.gpu.enabled .Values.cpu.enabled) -}}
{{- fail "gpu.enabled and cpu.enabled are both false: nothing to deploy" -}}
{{- end -}}
{{- if and .Values.cpu.autoscaling.enabled (gt (int .Values.cpu.autoscaling.minReplicas) (int .Values.cpu.autoscaling.maxReplicas)) -}}
{{- fail "cpu.autoscaling.minReplicas is above cpu.autoscaling.maxReplicas" -}}
{{- end -}}
{{- end -}}
