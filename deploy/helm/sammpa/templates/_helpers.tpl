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

{{/*
The HTTP gateway (src/Gateway). Its pods are another application of the release (app.kubernetes.io/name
NAME-gateway), so the silos' selectors (name and instance) never pick them; its resources are RELEASE-sammpa-api,
since RELEASE-sammpa-gateway is the silos' Orleans gateway Service.
*/}}
{{- define "sammpa.gatewayName" -}}
{{- printf "%s-api" (include "sammpa.fullname" .) -}}
{{- end -}}

{{- define "sammpa.gatewaySelectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-gateway" (include "sammpa.name" .) }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end -}}

{{- define "sammpa.gatewayLabels" -}}
{{ include "sammpa.gatewaySelectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sammpa
helm.sh/chart: {{ include "sammpa.chart" . }}
{{- end -}}

{{- define "sammpa.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "sammpa.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image of a pool or of the gateway ("pool" "gateway"): [imageRegistry/]repository:tag, tag defaulting to the chart's appVersion. */}}
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
{{- include "sammpa.validateDicomWeb" . -}}
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
{{- with .Values.gateway -}}
{{- if .enabled -}}
{{- if and $.Values.tls.enabled (not .tls.secretName) -}}
{{- fail "gateway.enabled and tls.enabled are true but gateway.tls.secretName is empty: name the Secret with the gateway's client certificate (clientAuth, a name in tls.allowedNames) and the cluster CA" -}}
{{- end -}}
{{- if and $.Values.tls.enabled (not .tls.caKey) (not (and (kindIs "slice" .tls.allowedNames) .tls.allowedNames)) -}}
{{- fail "gateway.tls.caKey and gateway.tls.allowedNames are both empty: the gateway would accept any silo certificate a public CA signed; give the cluster CA (gateway.tls.caKey) or the silos' names (gateway.tls.allowedNames)" -}}
{{- end -}}
{{- if ge (int .shutdownTimeoutSeconds) (int .terminationGracePeriodSeconds) -}}
{{- fail (printf "gateway.shutdownTimeoutSeconds (%v) must be below gateway.terminationGracePeriodSeconds (%v), or Kubernetes kills the gateway before its requests end" .shutdownTimeoutSeconds .terminationGracePeriodSeconds) -}}
{{- end -}}
{{- if and .autoscaling.enabled (gt (int .autoscaling.minReplicas) (int .autoscaling.maxReplicas)) -}}
{{- fail "gateway.autoscaling.minReplicas is above gateway.autoscaling.maxReplicas" -}}
{{- end -}}
{{- if .jwt.authority -}}
{{- if not .accessKeySecret.name -}}
{{- fail "gateway.jwt.authority is set but gateway.accessKeySecret.name is empty: a token's grain calls need the gateway's own delegate key; name the Secret that holds it (sammpa keys create --principal gateway --delegate)" -}}
{{- end -}}
{{- if not .jwt.audience -}}
{{- fail "gateway.jwt.authority is set but gateway.jwt.audience is empty: name the audience the issuer's tokens for this gateway carry" -}}
{{- end -}}
{{- if not (hasPrefix "https://" .jwt.authority) -}}
{{- fail (printf "gateway.jwt.authority '%s' is not an https URL: the issuer's keys must come over https" .jwt.authority) -}}
{{- end -}}
{{- end -}}
{{- if .ingress.enabled -}}
{{- if not (and (kindIs "slice" .ingress.hosts) .ingress.hosts) -}}
{{- fail "gateway.ingress.enabled is true but gateway.ingress.hosts is empty: list the host name(s) the gateway is reached at, e.g. --set gateway.ingress.hosts[0]=sammpa.example.org" -}}
{{- end -}}
{{- if .ingress.tls.enabled -}}
{{- if not .ingress.tls.secretName -}}
{{- fail "gateway.ingress.tls.enabled is true but gateway.ingress.tls.secretName is empty: name the kubernetes.io/tls Secret of the hosts' certificate (cert-manager can create it)" -}}
{{- end -}}
{{- else if not $.Values.insecure -}}
{{- fail "gateway.ingress.tls.enabled is false: API keys and tokens would cross the network in clear; give the Ingress a certificate (gateway.ingress.tls.secretName), or set insecure=true to accept that explicitly" -}}
{{- end -}}
{{- end -}}
{{- if and $.Values.networkPolicy.enabled (not (and (kindIs "slice" .networkPolicy.from) .networkPolicy.from)) -}}
{{- fail "networkPolicy.enabled is true but gateway.networkPolicy.from is empty: nothing could reach the gateway; list the ingress controller's namespace (or pods) as NetworkPolicyPeers" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The silos' DICOMweb settings (where a run's SEGs go back to): the service root, the user, and the password or bearer
token from the credentials Secret. Nothing when dicomWeb.serviceRoot is empty.
*/}}
{{- define "sammpa.dicomWebEnv" -}}
{{- with .Values.dicomWeb -}}
{{- if .serviceRoot -}}
- name: DicomWeb__ServiceRoot
  value: {{ .serviceRoot | quote }}
{{- if .userName }}
- name: DicomWeb__UserName
  value: {{ .userName | quote }}
{{- if .credentialsSecret.name }}
- name: DicomWeb__Password
  valueFrom:
    secretKeyRef:
      name: {{ .credentialsSecret.name }}
      key: {{ .credentialsSecret.passwordKey }}
{{- end }}
{{- else if .credentialsSecret.bearerTokenKey }}
- name: DicomWeb__BearerToken
  valueFrom:
    secretKeyRef:
      name: {{ .credentialsSecret.name }}
      key: {{ .credentialsSecret.bearerTokenKey }}
{{- end }}
{{- range $name, $value := .settings }}
- name: DicomWeb__{{ $name | replace ":" "__" }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Fails the render when the DICOMweb values cannot reach an archive, naming the value to set. */}}
{{- define "sammpa.validateDicomWeb" -}}
{{- with .Values.dicomWeb -}}
{{- if not .serviceRoot -}}
{{- if or .userName .credentialsSecret.name .settings -}}
{{- fail "dicomWeb.serviceRoot is empty but other dicomWeb values are set: give the archive's DICOMweb service root (e.g. https://pacs.example.org/dicom-web/), or remove them" -}}
{{- end -}}
{{- else -}}
{{- if not (or (hasPrefix "https://" .serviceRoot) (hasPrefix "http://" .serviceRoot)) -}}
{{- fail (printf "dicomWeb.serviceRoot '%s' is not an http or https URL" .serviceRoot) -}}
{{- end -}}
{{- if and (hasPrefix "http://" .serviceRoot) (or .userName .credentialsSecret.bearerTokenKey) (not $.Values.insecure) -}}
{{- fail (printf "dicomWeb.serviceRoot '%s' is http: the archive's credentials would cross the network in clear; use https, or set insecure=true to accept that explicitly" .serviceRoot) -}}
{{- end -}}
{{- if and .userName .credentialsSecret.bearerTokenKey -}}
{{- fail "dicomWeb.userName and dicomWeb.credentialsSecret.bearerTokenKey are both set: use basic authentication or a bearer token, not both" -}}
{{- end -}}
{{- if and .credentialsSecret.bearerTokenKey (not .credentialsSecret.name) -}}
{{- fail "dicomWeb.credentialsSecret.bearerTokenKey is set but dicomWeb.credentialsSecret.name is empty: name the Secret that holds the token" -}}
{{- end -}}
{{- if and .userName (not .credentialsSecret.name) -}}
{{- fail "dicomWeb.userName is set but dicomWeb.credentialsSecret.name is empty: name the Secret that holds the password (key dicomWeb.credentialsSecret.passwordKey)" -}}
{{- end -}}
{{- if and .credentialsSecret.name (not .userName) (not .credentialsSecret.bearerTokenKey) -}}
{{- fail "dicomWeb.credentialsSecret.name is set but neither dicomWeb.userName (basic authentication) nor dicomWeb.credentialsSecret.bearerTokenKey (a bearer token) says what it holds" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
