{{- define "bp-cluster-issuers.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.Version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "bp-cluster-issuers.acmeEmail" -}}
{{- printf "%s@%s" .Values.acme.emailLocalPart .Values.global.sovereignFQDN }}
{{- end }}

{{- define "bp-cluster-issuers.tsigSecretName" -}}
{{- printf "%s-acme-tsig" .Release.Name }}
{{- end }}
