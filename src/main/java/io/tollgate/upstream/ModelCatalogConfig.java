package io.tollgate.upstream;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tollgate.models")
public interface ModelCatalogConfig {

    /**
     * The models a key that serves "any model" is taken to serve (Heroku's catalog); a model outside it and outside
     * every upstream's own list is unknown (404). Add new Heroku models here.
     */
    @WithDefault("claude-4-5-sonnet,claude-4-5-haiku,claude-opus-4-5,claude-4-sonnet,claude-3-7-sonnet,"
            + "claude-3-5-sonnet-latest,claude-3-5-haiku,claude-3-haiku,nova-pro,nova-lite,gpt-oss-120b,"
            + "cohere-embed-multilingual,stable-image-ultra,cohere-rerank-3-5,amazon-rerank-1-0")
    List<String> catalog();
}
