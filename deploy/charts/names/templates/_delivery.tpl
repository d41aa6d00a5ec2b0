{{/*
Progressive delivery (delivery.*): the API runs as two tracks, blue (the API
Deployment of api.yaml) and green (delivery.yaml), and the ingress controller
splits /api between them by weight. These helpers are the only part api.yaml
knows of it: a track label on the blue pods, and the Service's selector
narrowed to the live track.
*/}}

{{/* The track that takes most of the traffic: the candidate from 50 % up. */}}
{{- define "names.delivery.liveTrack" -}}
{{- if ge (int .Values.delivery.weight) 50 }}{{ .Values.delivery.candidate }}{{ else }}{{ ternary "blue" "green" (eq .Values.delivery.candidate "green") }}{{ end }}
{{- end }}

{{/* Percent of /api requests one track receives. Usage: include "names.delivery.weight" (list . "green") */}}
{{- define "names.delivery.weight" -}}
{{- $root := index . 0 }}{{- $weight := int $root.Values.delivery.weight -}}
{{- if eq (index . 1) $root.Values.delivery.candidate }}{{ $weight }}{{ else }}{{ sub 100 $weight }}{{ end }}
{{- end }}

{{/* The track label of a pod, when delivery is on. Usage: include "names.delivery.trackLabel" (list . "blue") */}}
{{- define "names.delivery.trackLabel" -}}
{{- if (index . 0).Values.delivery.enabled }}
berth.dev/track: {{ index . 1 }}
{{- end }}
{{- end }}

{{/* The main API Service serves the live track only, so in-cluster callers never see a candidate. */}}
{{- define "names.delivery.liveSelector" -}}
{{- if .Values.delivery.enabled }}
berth.dev/track: {{ include "names.delivery.liveTrack" . }}
{{- end }}
{{- end }}
