{{- define "bp-webapp.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.Version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* Name the webapp subchart gives its objects (same rule as its fullname helper). */}}
{{- define "bp-webapp.upstreamFullname" -}}
{{- if contains "webapp" .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-webapp" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "bp-webapp.host" -}}
{{- printf "%s.%s.%s" .Values.exposure.subdomain .Values.global.organization .Values.global.poolDomain }}
{{- end }}
