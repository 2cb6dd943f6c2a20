{{- define "bp-wiki.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.Version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "bp-wiki.host" -}}
{{- printf "%s.%s.%s" .Values.ingress.subdomain .Values.global.organization .Values.global.poolDomain }}
{{- end }}

{{/* Name of the database cluster of region index $i: <release>-db, then <release>-db-<region>. */}}
{{- define "bp-wiki.dbClusterName" -}}
{{- if eq (int .index) 0 }}
{{- printf "%s-db" .ctx.Release.Name }}
{{- else }}
{{- printf "%s-db-%s" .ctx.Release.Name .region.region }}
{{- end }}
{{- end }}
