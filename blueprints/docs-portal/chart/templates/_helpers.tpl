{{- define "bp-docs-portal.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.Version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "bp-docs-portal.hostname" -}}
{{- required "route.hostname must come from the per-cluster overlay (docs.<location-code>.<sovereign-domain>)" .Values.route.hostname }}
{{- end }}
