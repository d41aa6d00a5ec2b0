{{/* Chart name, truncated to the 63 characters a DNS label allows. */}}
{{- define "names.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "names.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/*
The name of one object: objectNames.<key> when set, else "<fullname>-<suffix>".
Usage: include "names.object" (list . "apiService" "api")
*/}}
{{- define "names.object" -}}
{{- $root := index . 0 -}}
{{- $given := index $root.Values.objectNames (index . 1) -}}
{{- if $given }}{{ $given }}{{ else }}{{ printf "%s-%s" (include "names.fullname" $root) (index . 2) | trunc 63 | trimSuffix "-" }}{{ end }}
{{- end }}

{{- define "names.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "names.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: names-manager
{{- end }}

{{/* Selector labels of one component. Usage: include "names.selector" (list . "api") */}}
{{- define "names.selector" -}}
app.kubernetes.io/name: {{ include "names.name" (index . 0) }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "names.componentLabels" -}}
{{ include "names.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "names.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}{{ default (include "names.fullname" .) .Values.serviceAccount.name }}{{ else }}{{ default "default" .Values.serviceAccount.name }}{{ end }}
{{- end }}

{{- define "names.secretName" -}}
{{- if .Values.db.auth.existingSecret }}{{ .Values.db.auth.existingSecret }}{{ else }}{{ include "names.object" (list . "secret" "db-credentials") }}{{ end }}
{{- end }}

{{/* The database's host: the StatefulSet's Service, or the HA Cluster's read-write Service,
which follows the primary through a failover. */}}
{{- define "names.dbHost" -}}
{{- if .Values.db.ha.enabled }}{{ include "names.object" (list . "db" "db") }}-rw{{ else }}{{ include "names.object" (list . "dbService" "db") }}{{ end }}
{{- end }}

{{- define "names.image" -}}
{{- $image := index . 0 -}}{{- $root := index . 1 -}}
{{- printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) }}
{{- end }}

{{/* The PodSecurity "restricted" profile, for pods and containers. */}}
{{- define "names.podSecurityContext" -}}
runAsNonRoot: true
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "names.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end }}

{{/* Scrape annotations for a pod serving /metrics on a port. Usage: include "names.scrapeAnnotations" (list . port) */}}
{{- define "names.scrapeAnnotations" -}}
{{- if (index . 0).Values.metrics.podAnnotations -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ index . 1 | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{- /* A ServiceMonitor of the release's Services whose component is in the given list, and
that carry the given label when one is named. Usage:
include "names.serviceMonitor" (list . name "[api, mcp]" "berth.dev/track") */}}
{{- define "names.serviceMonitor" }}
{{- $root := index . 0 }}
{{- $metrics := $root.Values.metrics }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ index . 1 }}
  labels:
    {{- include "names.labels" $root | nindent 4 }}
    {{- with $metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ include "names.name" $root }}
      app.kubernetes.io/instance: {{ $root.Release.Name }}
    matchExpressions:
      - key: app.kubernetes.io/component
        operator: In
        values: {{ index . 2 }}
      {{- with index . 3 }}
      - key: {{ . }}
        operator: Exists
      {{- end }}
  endpoints:
    - port: http
      path: /metrics
      interval: {{ $metrics.serviceMonitor.interval }}
      scrapeTimeout: {{ $metrics.serviceMonitor.scrapeTimeout }}
      # The API labels its own series service="names-api"; keeping that
      # label (instead of the Kubernetes Service's name) lets the same dashboards and
      # rules serve every release name.
      honorLabels: true
{{- end }}

{{/*
Where CloudNativePG's barman-cloud reads and writes: the object store's location and
credentials, and the folder (server name) of one Cluster's backups and WAL under it.
Usage: include "names.barmanObjectStore" (list .Values.db.ha.objectStore "<server name>")
*/}}
{{- define "names.barmanObjectStore" -}}
{{- $store := index . 0 -}}
destinationPath: {{ $store.destinationPath | quote }}
{{- with $store.endpointURL }}
endpointURL: {{ . | quote }}
{{- end }}
serverName: {{ index . 1 | quote }}
s3Credentials:
  accessKeyId:
    name: {{ $store.credentials.existingSecret }}
    key: {{ $store.credentials.accessKeyIdKey }}
  secretAccessKey:
    name: {{ $store.credentials.existingSecret }}
    key: {{ $store.credentials.secretAccessKeyKey }}
{{- end }}
