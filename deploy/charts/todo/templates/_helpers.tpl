{{/* Chart name, truncated to the 63 characters a DNS label allows. */}}
{{- define "todo.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "todo.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* "<fullname>-<suffix>". Usage: include "todo.object" (list . "api") */}}
{{- define "todo.object" -}}
{{- printf "%s-%s" (include "todo.fullname" (index . 0)) (index . 1) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "todo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "todo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: todo
{{- end }}

{{/* Selector labels of one component. Usage: include "todo.selector" (list . "api") */}}
{{- define "todo.selector" -}}
app.kubernetes.io/name: {{ include "todo.name" (index . 0) }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "todo.componentLabels" -}}
{{ include "todo.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "todo.image" -}}
{{- $image := index . 0 -}}{{- $root := index . 1 -}}
{{- printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) }}
{{- end }}

{{/* The PodSecurity "restricted" profile, for pods and containers. */}}
{{- define "todo.podSecurityContext" -}}
runAsNonRoot: true
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "todo.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end }}

{{/* Secret names: the user's existing Secret when given, else the one this chart keeps. */}}
{{- define "todo.appSecret" -}}{{ include "todo.object" (list . "app") }}{{- end }}
{{- define "todo.jwtSecretRef" -}}
name: {{ default (include "todo.appSecret" .) .Values.auth.existingSecret }}
key: {{ if .Values.auth.existingSecret }}{{ .Values.auth.existingSecretKey }}{{ else }}JWT_SECRET{{ end }}
{{- end }}
{{- define "todo.dbSecret" -}}{{ default (include "todo.object" (list . "db")) .Values.postgresql.auth.existingSecret }}{{- end }}
{{- define "todo.redisSecret" -}}{{ default (include "todo.object" (list . "redis")) .Values.redis.auth.existingSecret }}{{- end }}

{{/* The in-release database's host: the StatefulSet's Service, or the HA Cluster's read-write
Service, which follows the primary through a failover. */}}
{{- define "todo.dbHost" -}}
{{ include "todo.object" (list . "db") }}{{ if .Values.postgresql.ha.enabled }}-rw{{ end }}
{{- end }}

{{/* Service addresses. */}}
{{- define "todo.apiUrl" -}}http://{{ include "todo.object" (list . "api") }}:{{ .Values.api.port }}{{- end }}
{{- define "todo.mcpUrl" -}}http://{{ include "todo.object" (list . "mcp") }}:{{ .Values.mcp.port }}/mcp{{- end }}

{{/*
A value kept across upgrades: the given one, else what the Secret already holds, else a
new random one. Usage: include "todo.keep" (list . "<secret name>" "<key>" "<given>" <length>)
A new value is drawn once per render and remembered: the Secret and the pods' checksum of it
then see the same value, so the first upgrade after an install does not restart the pods.
*/}}
{{- define "todo.keep" -}}
{{- $root := index . 0 }}{{ $given := index . 3 }}
{{- if $given }}{{ $given }}
{{- else }}
{{- $existing := lookup "v1" "Secret" $root.Release.Namespace (index . 1) }}
{{- if and $existing (hasKey $existing.data (index . 2)) }}{{ index $existing.data (index . 2) | b64dec }}
{{- else }}
{{- if not (hasKey $root "drawnSecrets") }}{{ $_ := set $root "drawnSecrets" dict }}{{ end }}
{{- $slot := printf "%s/%s" (index . 1) (index . 2) }}
{{- if not (hasKey $root.drawnSecrets $slot) }}{{ $_ := set $root.drawnSecrets $slot (randAlphaNum (index . 4)) }}{{ end }}
{{- index $root.drawnSecrets $slot }}
{{- end }}
{{- end }}
{{- end }}

{{/* One autoscaled, disruption-budgeted, spread Deployment's shared parts. */}}
{{- define "todo.topologySpread" -}}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "todo.selector" . | nindent 6 }}
{{- end }}

{{- define "todo.hpa" -}}
{{- $root := index . 0 }}{{ $component := index . 1 }}{{ $values := index . 2 }}
{{- if $values.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "todo.object" (list $root $component) }}
  labels:
    {{- include "todo.componentLabels" (list $root $component) | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "todo.object" (list $root $component) }}
  minReplicas: {{ $values.autoscaling.minReplicas }}
  maxReplicas: {{ $values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $values.autoscaling.targetCPUUtilizationPercentage }}
  {{- with $values.autoscaling.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{/* Rendered only when at least 2 replicas run: on one it would block every node drain. */}}
{{- define "todo.pdb" -}}
{{- $root := index . 0 }}{{ $component := index . 1 }}{{ $values := index . 2 }}
{{- $least := ternary $values.autoscaling.minReplicas $values.replicas $values.autoscaling.enabled }}
{{- if and $values.podDisruptionBudget.enabled (gt (int $least) 1) }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "todo.object" (list $root $component) }}
  labels:
    {{- include "todo.componentLabels" (list $root $component) | nindent 4 }}
spec:
  maxUnavailable: {{ $values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "todo.selector" (list $root $component) | nindent 6 }}
{{- end }}
{{- end }}

{{/* Checks no schema can express: each fails the install with the value's name. */}}
{{- define "todo.validate" -}}
{{- if and (not .Values.postgresql.enabled) (not .Values.externalDatabase.url) (not .Values.externalDatabase.existingSecret) }}
{{- fail "externalDatabase.url or externalDatabase.existingSecret is required when postgresql.enabled is false" }}
{{- end }}
{{- if and .Values.postgresql.enabled (or .Values.externalDatabase.url .Values.externalDatabase.existingSecret) }}
{{- fail "externalDatabase.url/existingSecret is set while postgresql.enabled is true: set postgresql.enabled=false to use your own database" }}
{{- end }}
{{- if and (not .Values.redis.enabled) (not .Values.externalRedis.url) (not .Values.externalRedis.existingSecret) }}
{{- fail "externalRedis.url or externalRedis.existingSecret is required when redis.enabled is false (the API's replicas share rate limits and sign-outs through Redis)" }}
{{- end }}
{{- if and .Values.redis.enabled (or .Values.externalRedis.url .Values.externalRedis.existingSecret) }}
{{- fail "externalRedis.url/existingSecret is set while redis.enabled is true: set redis.enabled=false to use your own Redis" }}
{{- end }}
{{- if and .Values.assistant.model (not .Values.assistant.baseUrl) (not .Values.assistant.apiKey) (not .Values.assistant.existingSecret) }}
{{- fail "assistant.model is set but the model has no endpoint: set assistant.baseUrl, or assistant.apiKey / assistant.existingSecret for OpenAI" }}
{{- end }}
{{- if and .Values.postgresql.ha.enabled (not .Values.postgresql.enabled) }}
{{- fail "postgresql.ha.enabled needs postgresql.enabled: HA is a mode of the release's own database" }}
{{- end }}
{{- if and .Values.postgresql.ha.enabled (ne (int .Values.postgresql.port) 5432) }}
{{- fail "postgresql.port must be 5432 with postgresql.ha.enabled: CloudNativePG's Services listen there" }}
{{- end }}
{{- if and .Values.postgresql.ha.enabled .Values.postgresql.ha.synchronous.enabled (ge (int .Values.postgresql.ha.synchronous.number) (int .Values.postgresql.ha.instances)) }}
{{- fail "postgresql.ha.synchronous.number must be below postgresql.ha.instances: the primary cannot be its own synchronous replica" }}
{{- end }}
{{- if and .Values.ingress.tls.enabled (not .Values.ingress.tls.secretName) }}
{{- fail "ingress.tls.secretName is required when ingress.tls.enabled is true (a Secret of type kubernetes.io/tls)" }}
{{- end }}
{{- end }}

{{/* A NetworkPolicy peer: this release's pods of one component. Usage: include "todo.peer" (list . "api") */}}
{{- define "todo.peer" -}}
- podSelector:
    matchLabels:
      {{- include "todo.selector" . | nindent 6 }}
{{- end }}

{{/* Scrape annotations for a pod serving /metrics on a port. Usage: include "todo.scrapeAnnotations" (list . port) */}}
{{- define "todo.scrapeAnnotations" -}}
{{- if (index . 0).Values.metrics.podAnnotations -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ index . 1 | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{- /* A ServiceMonitor of the release's Services whose component is in the given list, and
that carry the given label when one is named. Usage:
include "todo.serviceMonitor" (list . name "[api, mcp]" "berth.dev/track") */}}
{{- define "todo.serviceMonitor" }}
{{- $root := index . 0 }}
{{- $metrics := $root.Values.metrics }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ index . 1 }}
  labels:
    {{- include "todo.labels" $root | nindent 4 }}
    {{- with $metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ include "todo.name" $root }}
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
      # The services label their own series service="todo-api" / "todo-mcp"; keeping that
      # label (instead of the Kubernetes Service's name) lets the same dashboards and
      # rules serve every release name.
      honorLabels: true
{{- end }}

{{/*
Where CloudNativePG's barman-cloud reads and writes: the object store's location and
credentials, and the folder (server name) of one Cluster's backups and WAL under it.
Usage: include "todo.barmanObjectStore" (list .Values.postgresql.ha.objectStore "<server name>")
*/}}
{{- define "todo.barmanObjectStore" -}}
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
